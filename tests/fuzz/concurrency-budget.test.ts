// The transport's concurrency budget under generated traffic: a random budget, a random mix of
// requests through the client, fetch() and undici.request, random statuses (200, 429, 503), random
// delays, and random aborts before or during the wait. Invariant: the server never sees more than the
// budget in flight (plus requests aborted but not yet closed on its side), every request ends (answered or with its abort reason), and afterwards no slot is
// held, so the next request goes straight out.
import fc from "fast-check";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Apikit } from "../../src/facade/index.js";
import { json, startServer, type TestServer } from "../support/server.js";
import { TEST_TIMEOUT_MS } from "./support.js";

const RUNS = Number(process.env.APIKIT_BUDGET_RUNS ?? 40);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: TestServer;
/** Requests the server is answering now, and the most at once since the last reset. */
const load = { now: 0, most: 0 };
beforeAll(async () => {
  server = await startServer(async (req, res) => {
    load.now += 1;
    load.most = Math.max(load.most, load.now);
    res.on("close", () => {
      load.now -= 1;
    });
    await sleep(Number(req.query.get("delay") ?? 0));
    const status = Number(req.query.get("status") ?? 200);
    json(res, status, { ok: status === 200 }, status === 429 ? { "retry-after": "0" } : {});
  });
});
afterAll(() => server.close());

const call = fc.record({
  via: fc.constantFrom("client", "fetch", "request"),
  status: fc.constantFrom(200, 200, 200, 429, 503),
  delay: fc.integer({ min: 0, max: 15 }),
  abortAfterMs: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
});

describe("the concurrency budget, fuzzed", () => {
  it(
    "never lets more than the budget reach the server, and gives every slot back",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 5 }),
          fc.array(call, { minLength: 1, maxLength: 25 }),
          async (budget, calls) => {
            const before = server.requests.length;
            load.most = 0;
            const api = new Apikit({
              baseUrl: server.url,
              concurrency: budget,
              retry: { maxRetries: 1, initialDelayMs: 0, maxDelayMs: 1 },
            });
            try {
              const outcomes = await Promise.allSettled(
                calls.map(async ({ via, status, delay, abortAfterMs }) => {
                  const signal =
                    abortAfterMs === undefined ? undefined : AbortSignal.timeout(abortAfterMs + 1);
                  const path = `/x?status=${status}&delay=${delay}`;
                  if (via === "client") return api.get(path, signal ? { signal } : {});
                  if (via === "fetch") {
                    const response = await fetch(`${server.url}${path}`, {
                      dispatcher: api.dispatcher,
                      signal,
                    } as RequestInit);
                    return response.text();
                  }
                  const response = await request(`${server.url}${path}`, {
                    dispatcher: api.dispatcher,
                    signal,
                  });
                  return response.body.text();
                }),
              );
              expect(outcomes).toHaveLength(calls.length);
              // An aborted request frees its slot at once, but the server only sees its socket close a
              // moment later: each may overlap one request sent after it.
              const aborted = calls.filter((c) => c.abortAfterMs !== undefined).length;
              expect(load.most).toBeLessThanOrEqual(budget + aborted);
              if (aborted === 0) expect(load.most).toBeLessThanOrEqual(budget);
              expect(api.concurrency.active).toBe(0);
              // Nothing left holding a slot: one more request goes out and comes back.
              expect(await api.get("/x?status=200")).toEqual({ ok: true });
              expect(server.requests.length).toBeGreaterThan(before);
            } finally {
              await api.close();
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
