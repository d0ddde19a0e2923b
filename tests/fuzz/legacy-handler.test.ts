// Fuzzing the old-style handler adapter (src/http/legacy-handler.ts): whatever response headers a
// server sends, Node's global fetch (undici 6/7, old handlers) reads them through client.dispatcher
// exactly as undici 8's own fetch does through the same dispatcher.
import fc from "fast-check";
import { fetch as undiciFetch } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { toRawHeaders } from "../../src/http/legacy-handler.js";
import { useLoopback } from "../support/server.js";
import { RUNS, TEST_TIMEOUT_MS } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const headerName = fc.stringMatching(/^x-[a-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
// Any visible latin1 text, inner spaces and tabs included (HTTP trims the ends).
const headerValue = fc
  .string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((c) => c !== 0x7f)
      .map((c) => String.fromCharCode(c)),
    maxLength: 40,
  })
  .map((v) => v.trim());
const headerSets = fc.dictionary(
  headerName,
  fc.oneof(headerValue, fc.array(headerValue, { minLength: 1, maxLength: 3 })),
  {
    maxKeys: 6,
  },
);

describe("old-style handler adapter", () => {
  it(
    "turns parsed headers into raw latin1 pairs that parse back to the same headers",
    () => {
      fc.assert(
        fc.property(headerSets, (headers) => {
          const raw = toRawHeaders(headers);
          expect(raw.every((b) => Buffer.isBuffer(b))).toBe(true);
          const back: Record<string, string[]> = {};
          for (let i = 0; i < raw.length; i += 2) {
            const name = raw[i]!.toString("latin1");
            back[name] = [...(back[name] ?? []), raw[i + 1]!.toString("latin1")];
          }
          const expected = Object.fromEntries(
            Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]),
          );
          expect(back).toEqual(expected);
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "lets Node's global fetch read any response headers as undici's fetch does",
    async () => {
      let current: Record<string, string | string[]> = {};
      const server = await serve((_req, res) => {
        for (const [name, value] of Object.entries(current)) res.setHeader(name, value);
        res.end("ok");
      });
      const api = client(server.url);
      await fc.assert(
        fc.asyncProperty(headerSets, async (headers) => {
          current = headers;
          const viaGlobal = await globalThis.fetch(`${server.url}/h`, {
            dispatcher: api.dispatcher,
          } as RequestInit);
          const viaUndici = await undiciFetch(`${server.url}/h`, { dispatcher: api.dispatcher });
          expect(await viaGlobal.text()).toBe("ok");
          expect(await viaUndici.text()).toBe("ok");
          const pick = (h: Headers) => Object.keys(headers).map((name) => h.get(name));
          expect(pick(viaGlobal.headers)).toEqual(pick(viaUndici.headers as unknown as Headers));
        }),
        { numRuns: 40 },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
