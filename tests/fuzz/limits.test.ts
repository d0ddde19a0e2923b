// maxPages / maxItems / onLimit over generated listings: offset and cursor APIs of random sizes and
// page sizes (with empty pages mid-listing on the cursor one), random limits, both onLimit modes.
// Invariant: the records are exactly the first min(limit, total) of the listing, once each, in order;
// "truncate" flags `truncated` exactly when the API had more, "raise" throws PaginationError exactly
// then (with the records read), and never a short result without one or the other.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PaginationError } from "../../src/errors.js";
import { Apikit } from "../../src/facade/index.js";
import { json, startServer, type TestServer } from "../support/server.js";
import { TEST_TIMEOUT_MS } from "./support.js";

interface Listing {
  total: number;
  /** Cursor listings: page numbers (1-based) answered empty with a cursor onwards. */
  empty: number[];
}
const listings = new Map<string, Listing>();

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const id = req.query.get("id")!;
    const { total, empty } = listings.get(id)!;
    const limit = Number(req.query.get("limit"));
    if (req.url.startsWith("/offset")) {
      const offset = Number(req.query.get("offset") ?? 0);
      const ids = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => offset + i);
      json(res, 200, { data: ids.map((n) => ({ n })), total });
      return;
    }
    // Cursor "<position>.<page>": an empty page holds nothing and points on to the same position.
    const [position, page] = (req.query.get("cursor") ?? "0.1").split(".").map(Number) as [number, number];
    if (empty.includes(page)) {
      json(res, 200, { data: [], next: `${position}.${page + 1}` });
      return;
    }
    const end = Math.min(total, position + limit);
    const ids = Array.from({ length: end - position }, (_, i) => position + i);
    json(res, 200, { data: ids.map((n) => ({ n })), next: end < total ? `${end}.${page + 1}` : null });
  });
});
afterAll(() => server.close());

const cases = fc.record({
  total: fc.integer({ min: 0, max: 40 }),
  pageSize: fc.integer({ min: 1, max: 9 }),
  strategy: fc.constantFrom("offset" as const, "cursor" as const),
  empty: fc.uniqueArray(fc.integer({ min: 2, max: 6 }), { maxLength: 2 }),
  limit: fc.oneof(
    fc.record({ maxPages: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ maxItems: fc.integer({ min: 1, max: 45 }) }),
  ),
  onLimit: fc.constantFrom("truncate" as const, "raise" as const),
});

let next = 0;

describe("limits over generated listings", () => {
  it(
    "give exactly the first records, and say so when the API had more",
    async () => {
      const client = new Apikit({ baseUrl: server.url, logger: false, retry: { maxRetries: 0 } });
      await fc.assert(
        fc.asyncProperty(cases, async (c) => {
          const id = String(next++);
          const empty = c.strategy === "cursor" ? c.empty : [];
          listings.set(id, { total: c.total, empty });
          const options = {
            ...(c.strategy === "offset"
              ? { strategy: "offset" as const, totalPath: "total" }
              : { strategy: "cursor" as const, nextCursorPath: "next", cursorParam: "cursor" }),
            dataPath: "data",
            pageSize: c.pageSize,
            params: { id },
            onLimit: c.onLimit,
            ...c.limit,
          };
          // What the API would give without a limit, page by page.
          const all = await client.fetchRecords(`/${c.strategy}`, {
            ...options,
            maxPages: undefined,
            maxItems: undefined,
          });
          expect(all.map((r) => r.n)).toEqual(Array.from({ length: c.total }, (_, i) => i));
          const pages: number[][] = [];
          for await (const page of client.pages(`/${c.strategy}`, {
            ...options,
            maxPages: undefined,
            maxItems: undefined,
            onLimit: "truncate",
          }))
            pages.push(page.records.map((r) => r.n as number));
          const cap =
            "maxPages" in c.limit
              ? pages.slice(0, c.limit.maxPages).flat().length
              : Math.min(c.limit.maxItems, c.total);
          const more =
            cap < c.total ||
            ("maxPages" in c.limit &&
              pages.length > c.limit.maxPages &&
              pages.slice(c.limit.maxPages).some((p) => p.length > 0));
          const expected = Array.from({ length: cap }, (_, i) => i);

          if (c.onLimit === "raise") {
            const outcome = await client.fetchRecords(`/${c.strategy}`, options).catch((e: unknown) => e);
            if (more) {
              expect(outcome).toBeInstanceOf(PaginationError);
              expect((outcome as PaginationError).records?.map((r) => (r as { n: number }).n)).toEqual(
                expected,
              );
            } else {
              expect(outcome).not.toBeInstanceOf(Error);
              expect((outcome as Array<{ n: number }>).map((r) => r.n)).toEqual(expected);
            }
          } else {
            const stream = client.stream(`/${c.strategy}`, options);
            const got: number[] = [];
            for await (const r of stream) got.push(r.n as number);
            expect(got).toEqual(expected);
            // Only a limit that left records unread is a truncation (empty pages left behind are not).
            if (cap < c.total) expect(stream.truncated).toBe(true);
            if (cap === c.total && !("maxPages" in c.limit)) expect(stream.truncated).toBe(false);
          }
        }),
        { numRuns: 60 },
      );
      await client.close();
    },
    TEST_TIMEOUT_MS,
  );
});
