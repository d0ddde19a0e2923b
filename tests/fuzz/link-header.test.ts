// Fuzzing the RFC 8288 Link-header scanner: it never throws (not even an ApikitError) and never hangs,
// whatever the header or base URL; entries are well-typed, and well-formed headers read back exactly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findLink, type LinkEntry, parseLinkHeader } from "../../src/http/link-header.js";
import { garbage, longRun, mutated, RUNS, settle, TEST_TIMEOUT_MS } from "./support.js";

const targets = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  garbage.map((s) => s.replace(/>/g, "")),
  fc.constantFrom("/next?page=2", "?page=3", "//host.test/x", "", "http://[::1", "http://a b/", "mailto:x@y"),
);
const paramNames = fc.oneof(
  fc.constantFrom(
    "rel",
    "REL",
    "title",
    "type",
    "hreflang",
    "anchor",
    "__proto__",
    "constructor",
    "toString",
  ),
  fc.stringMatching(/^[a-z][a-z0-9*-]{0,8}$/),
);
const relValue = fc.constantFrom("next", "prev", "last", "first", "next last", "NEXT", "", "  next  ");
const quoted = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;
const paramValues = fc.oneof(relValue.map(quoted), relValue, garbage.map(quoted), garbage);
const param = fc
  .tuple(fc.constantFrom("", " ", "\t", "  "), paramNames, fc.option(paramValues, { nil: undefined }))
  .map(([ws, name, value]) => `;${ws}${name}${value === undefined ? "" : `=${value}`}`);
const entry = fc
  .tuple(targets, fc.array(param, { maxLength: 4 }))
  .map(([url, params]) => `<${url}>${params.join("")}`);
const header = fc
  .tuple(fc.array(entry, { maxLength: 5 }), fc.constantFrom(", ", ",", " , ", ",\t"))
  .map(([entries, sep]) => entries.join(sep));

const anyHeader = fc.oneof(
  mutated(header),
  garbage,
  longRun(fc.constantFrom("<", ">", ";", ",", '"', "\\", "<a>;", '<a>; rel="', ";rel=next,", "<<>>")),
  longRun(
    header.filter((h) => h.length > 0),
    2_000,
  ),
);
const baseUrls = fc.option(
  fc.oneof(fc.webUrl(), garbage, fc.constantFrom("https://api.example.test/v1/items?page=1", "not a url")),
  { nil: undefined },
);

function checkEntries(entries: LinkEntry[], baseUrl: string | undefined): void {
  expect(Array.isArray(entries)).toBe(true);
  for (const { url, rel, params } of entries) {
    expect(typeof url).toBe("string");
    // With a base URL ("" counts as none) only resolvable targets are kept, and they come back absolute.
    if (baseUrl) expect(URL.canParse(url)).toBe(true);
    for (const r of rel) expect(r).toMatch(/^\S+$/);
    expect(rel.every((r) => r === r.toLowerCase())).toBe(true);
    for (const [name, value] of Object.entries(params)) {
      expect(name).toBe(name.toLowerCase());
      expect(typeof value).toBe("string");
    }
  }
}

describe("fuzz: Link header", () => {
  it(
    "parseLinkHeader returns well-typed entries for any header and base URL, never throwing",
    () => {
      fc.assert(
        fc.property(anyHeader, baseUrls, (value, baseUrl) => {
          const outcome = settle(() => parseLinkHeader(value, baseUrl));
          expect(outcome.ok).toBe(true);
          if (outcome.ok) checkEntries(outcome.value, baseUrl);
        }),
        {
          numRuns: RUNS,
          examples: [
            ["<", undefined],
            ['<a>; rel="next', undefined],
            ['<a>; rel="next\\', "https://x.test/"],
            ["<http://[::1>; rel=next", "not a url"],
          ],
        },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "findLink gives undefined or the URL of an entry with that rel",
    () => {
      fc.assert(
        fc.property(anyHeader, fc.oneof(relValue, garbage), baseUrls, (value, rel, baseUrl) => {
          const outcome = settle(() => findLink(value, rel, baseUrl));
          expect(outcome.ok).toBe(true);
          if (!outcome.ok || outcome.value === undefined) return;
          const wanted = rel.toLowerCase();
          const entries = parseLinkHeader(value, baseUrl);
          expect(entries.some((e) => e.url === outcome.value && e.rel.includes(wanted))).toBe(true);
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "a well-formed header reads back: one entry per link, its absolute URL, rels and every parameter",
    () => {
      const rels = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z.-]{0,10}$/), { minLength: 1, maxLength: 3 });
      const extra = fc.uniqueArray(fc.tuple(paramNames, garbage), {
        maxLength: 3,
        selector: ([name]) => name.toLowerCase(),
      });
      const link = fc.record({ url: fc.webUrl({ withQueryParameters: true }), rels, extra });
      fc.assert(
        fc.property(fc.array(link, { maxLength: 4 }), (links) => {
          const text = links
            .map(({ url, rels: r, extra: e }) => {
              const others = e.filter(([name]) => name.toLowerCase() !== "rel");
              const params = others.map(([name, value]) => `; ${name}=${quoted(value)}`).join("");
              return `<${url}>; rel=${quoted(r.join(" "))}${params}`;
            })
            .join(", ");
          const entries = parseLinkHeader(text);
          expect(entries).toHaveLength(links.length);
          links.forEach(({ url, rels: r, extra: e }, i) => {
            const got = entries[i]!;
            expect(got.url).toBe(new URL(url).toString());
            expect(got.rel).toEqual(r);
            for (const [name, value] of e.filter(([n]) => n.toLowerCase() !== "rel")) {
              expect(Object.hasOwn(got.params, name.toLowerCase())).toBe(true);
              expect(got.params[name.toLowerCase()]).toBe(value);
            }
          });
        }),
        {
          numRuns: RUNS,
          examples: [
            [[{ url: "https://a.test/?p=2", rels: ["next"], extra: [["constructor", "c"]] }]],
            [[{ url: "https://a.test/", rels: ["prev"], extra: [["__proto__", "p, q; r"]] }]],
          ],
        },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
