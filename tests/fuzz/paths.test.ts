// Fuzzing the dot-path parser and its readers/writers: any text parses to segments or fails with a
// ConfigError, escaped keys round-trip, setPath/getPath agree, and neither ever reaches a prototype.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { compileRecordSteps } from "../../src/facade/record-ops.js";
import { getPath, hasPath, type PathSegment, parsePath, setPath } from "../../src/pagination/paths.js";
import { garbage, longRun, mutated, RUNS, settle, TEST_TIMEOUT_MS } from "./support.js";

/** Keys a record may have, dangerous and numeric ones included. */
const key: fc.Arbitrary<string> = fc.oneof(
  garbage.filter((s) => s.length > 0),
  fc.constantFrom(
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    "length",
    "0",
    "007",
    "-1",
    "-0",
    "9007199254740993",
    "1e3",
    ".",
    "\\",
    "a.b",
  ),
  fc.stringMatching(/^-?\d{1,25}$/),
);

/** A key escaped for a dot path: "\" and "." get a backslash. */
const escapeKey = (k: string) => k.replace(/[\\.]/g, "\\$&");
const keys = fc.array(key, { minLength: 1, maxLength: 6 });
const pathOf = (ks: string[]) => ks.map(escapeKey).join(".");

const anyPath: fc.Arbitrary<string> = fc.oneof(
  garbage,
  mutated(keys.map(pathOf)),
  longRun(fc.constantFrom(".", "\\", "a.", "\\.", "0.", "a\\", "-1.")),
);

function isSegment(segment: PathSegment): boolean {
  return typeof segment === "number" ? Number.isSafeInteger(segment) : segment.length > 0;
}

/** Every node of a JSON document, by identity. */
function nodesOf(value: unknown, into = new Set<unknown>()): Set<unknown> {
  into.add(value);
  if (value !== null && typeof value === "object") for (const v of Object.values(value)) nodesOf(v, into);
  return into;
}

/** Runs `body` and gives back what it added to Object.prototype, which it then removes again. */
function pollutionOf(body: () => void): PropertyKey[] {
  const before = new Set(Reflect.ownKeys(Object.prototype));
  const added: PropertyKey[] = [];
  try {
    body();
  } finally {
    for (const name of Reflect.ownKeys(Object.prototype)) {
      if (before.has(name)) continue;
      added.push(name);
      delete (Object.prototype as Record<PropertyKey, unknown>)[name];
    }
  }
  return added;
}

describe("fuzz: dot paths", () => {
  it(
    "parsePath gives non-empty segments or a ConfigError, for any text, in bounded time",
    () => {
      fc.assert(
        fc.property(anyPath, (path) => {
          const outcome = settle(() => parsePath(path));
          if (!outcome.ok) {
            expect(outcome.error).toBeInstanceOf(ConfigError);
            return;
          }
          expect(Array.isArray(outcome.value)).toBe(true);
          expect(outcome.value.every(isSegment)).toBe(true);
          if (path === "") expect(outcome.value).toEqual([]);
        }),
        { numRuns: RUNS, examples: [["a..b"], ["a\\"], ["\\"], ["."], [""]] },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "escaped keys round-trip through parsePath (a number segment only for a canonical integer)",
    () => {
      fc.assert(
        fc.property(keys, (ks) => {
          const outcome = settle(() => parsePath(pathOf(ks)));
          expect(outcome.ok).toBe(true);
          if (outcome.ok) expect(outcome.value.map(String)).toEqual(ks);
        }),
        // "007" used to parse to 7 (so setPath wrote key "7"), and 20 digits to a rounded float.
        { numRuns: RUNS, examples: [[["007"]], [["-0"]], [["9007199254740993"]], [["a", "01"]]] },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "the segments parsePath returns are the caller's: changing them does not change the next parse",
    () => {
      fc.assert(
        fc.property(keys, (ks) => {
          const path = pathOf(ks);
          const first = parsePath(path);
          const copy = [...first];
          first.pop();
          first.push("changed");
          expect(parsePath(path)).toEqual(copy);
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "setPath then getPath gives the value back, on an own property, without touching any prototype",
    () => {
      fc.assert(
        fc.property(keys, (ks) => {
          const path = pathOf(ks);
          const target: Record<string, unknown> = {};
          const value = { marker: true };
          const added = pollutionOf(() => {
            const outcome = settle(() => setPath(target, path, value));
            expect(outcome.ok).toBe(true);
          });
          expect(added).toEqual([]);
          expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
          expect(Object.hasOwn(target, ks[0]!)).toBe(true);
          expect(getPath(target, path)).toBe(value);
          expect(hasPath(target, path)).toBe(true);
        }),
        { numRuns: RUNS, examples: [[["__proto__", "polluted"]], [["__proto__"]], [["constructor", "x"]]] },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "getPath on a JSON document gives undefined or one of its own nodes (never a prototype or method)",
    () => {
      // Objects keyed like the paths are, so that paths hit something; any JSON besides.
      const document = fc.oneof(
        fc.dictionary(key, fc.jsonValue({ maxDepth: 3 })),
        fc.jsonValue({ maxDepth: 4 }),
      );
      const segmentsArb = fc.array(
        fc.oneof(key, fc.integer(), fc.double(), fc.constantFrom(-0, Number.NaN, -1)),
        { maxLength: 5 },
      );
      fc.assert(
        fc.property(document, fc.oneof(anyPath, keys.map(pathOf), segmentsArb), (doc, path) => {
          const outcome = settle(() => getPath(doc, path));
          if (!outcome.ok) {
            // Only a malformed string path may fail, and only as a ConfigError.
            expect(typeof path).toBe("string");
            expect(outcome.error).toBeInstanceOf(ConfigError);
            return;
          }
          if (outcome.value !== undefined) expect(nodesOf(doc).has(outcome.value)).toBe(true);
        }),
        {
          numRuns: RUNS,
          examples: [
            [{}, "constructor"],
            [{}, "__proto__"],
            [{ a: [] }, "a.length"],
            [[1], "0.toString"],
          ],
        },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it("regression: exclude drops the same path from every record (the parse cache stays intact)", () => {
    const step = compileRecordSteps({ exclude: ["a.b"] }, () => {})!;
    const records = [0, 1, 2].map((i) => step({ a: { b: 1, c: 2 } }, i));
    expect(records).toEqual([{ a: { c: 2 } }, { a: { c: 2 } }, { a: { c: 2 } }]);
  });
});
