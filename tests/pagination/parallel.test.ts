// Parallel pages: offset and page listings with a known total fetch up to `concurrency` pages at
// once, yield them strictly in order, every record once, and never exceed the client-wide budget.
import { afterEach, describe, expect, it } from "vitest";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { AdaptiveLimiter } from "../../src/http/limiter.js";
import { json, makeRecords, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));
const ALL = makeRecords(1000);
const ids = (records: Array<Record<string, unknown>>) => records.map((r) => r.id);
const every = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An offset API with a total; each answer takes `delayMs` (so requests overlap); caps the page size. */
function offsetApi(options: { delayMs?: number; cap?: number; total?: boolean; failAt?: number } = {}) {
  return serve(async (req, res) => {
    await sleep(options.delayMs ?? 15);
    const offset = Number(req.query.get("offset") ?? 0);
    if (offset === options.failAt) return json(res, 429, { error: "slow down" }, { "retry-after": "0" });
    const limit = Math.min(Number(req.query.get("limit") ?? 10), options.cap ?? 1000);
    const body: Record<string, unknown> = { data: ALL.slice(offset, offset + limit) };
    if (options.total !== false) body.total = ALL.length;
    json(res, 200, body);
  });
}

describe("parallel pages", () => {
  it("fetches up to `concurrency` pages at once, in order, every record once", async () => {
    const server = await offsetApi();
    const api = client(server.url, { concurrency: 4 });
    const indexes: number[] = [];
    const records: Array<Record<string, unknown>> = [];
    for await (const page of api.pages("/items", { strategy: "offset", pageSize: 50, totalPath: "total" })) {
      indexes.push(page.index);
      records.push(...(page.records as Array<Record<string, unknown>>));
    }
    expect(ids(records)).toEqual(every(1000));
    expect(indexes).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(server.maxInFlight).toBe(4);
    // Nothing asked past the total.
    expect(server.requests).toHaveLength(20);
  });

  it("page-number listings too, and a per-call concurrency below the client's", async () => {
    const server = await serve(async (req, res) => {
      await sleep(15);
      const page = Number(req.query.get("page") ?? 1);
      json(res, 200, { items: ALL.slice((page - 1) * 100, page * 100), total_pages: 10 });
    });
    const api = client(server.url, { concurrency: 6 });
    const records = await api.fetchRecords("/items", {
      strategy: "page",
      pageSize: 100,
      totalPagesPath: "total_pages",
      dataPath: "items",
      concurrency: 3,
    });
    expect(ids(records)).toEqual(every(1000));
    expect(server.maxInFlight).toBe(3);
    expect(server.requests).toHaveLength(10);
  });

  it("survives a server that caps the page size: predictions follow what it sends", async () => {
    const server = await offsetApi({ cap: 40 });
    const records = await client(server.url, { concurrency: 4 }).fetchRecords("/items", {
      strategy: "offset",
      pageSize: 100,
      totalPath: "total",
    });
    expect(ids(records)).toEqual(every(1000));
    expect(server.maxInFlight).toBeGreaterThan(1);
  });

  it("without a total, reads one page ahead only and never asks past the empty page", async () => {
    const server = await offsetApi({ total: false });
    const records = await client(server.url, { concurrency: 3 }).fetchRecords("/items", {
      strategy: "offset",
      pageSize: 100,
    });
    expect(ids(records)).toEqual(every(1000));
    expect(server.maxInFlight).toBe(1);
    // 10 full pages and the empty one that ends the pull: no request wasted past it.
    expect(server.requests).toHaveLength(11);
  });

  it("respects maxPages and maxItems while fetching in parallel", async () => {
    const server = await offsetApi();
    const api = client(server.url, { concurrency: 4 });
    const limited = await api.fetchRecords("/items", {
      strategy: "offset",
      pageSize: 50,
      totalPath: "total",
      maxPages: 3,
    });
    expect(ids(limited)).toEqual(every(150));
    expect(server.requests).toHaveLength(3);
    const items = await api.fetchRecords("/items", {
      strategy: "offset",
      pageSize: 50,
      totalPath: "total",
      maxItems: 120,
    });
    expect(ids(items)).toEqual(every(120));
  });

  it("cursor listings stay sequential", async () => {
    const server = await serve(async (req, res) => {
      await sleep(5);
      const at = Number(req.query.get("cursor") ?? 0);
      json(res, 200, {
        data: ALL.slice(at, at + 100),
        next_cursor: at + 100 < 300 ? String(at + 100) : null,
      });
    });
    const records = await client(server.url, { concurrency: 4 }).fetchRecords("/items", {
      strategy: "cursor",
    });
    expect(ids(records)).toEqual(every(300));
    expect(server.maxInFlight).toBe(1);
  });

  it("fetchMany and parallel pages share one client-wide budget", async () => {
    const server = await offsetApi();
    const api = client(server.url, { concurrency: 4 });
    const results = await api.fetchMany(
      {
        a: ["/a", { strategy: "offset", pageSize: 100, totalPath: "total" }],
        b: ["/b", { strategy: "offset", pageSize: 100, totalPath: "total" }],
        c: ["/c", { strategy: "offset", pageSize: 100, totalPath: "total" }],
      },
      { concurrency: 3 },
    );
    for (const label of ["a", "b", "c"] as const) expect(ids(results[label])).toEqual(every(1000));
    expect(server.maxInFlight).toBe(4);
  });

  it("halves the budget on a 429 and grows it back slowly", async () => {
    let refused = false;
    const server = await serve(async (req, res) => {
      await sleep(10);
      const offset = Number(req.query.get("offset") ?? 0);
      if (offset === 200 && !refused) {
        refused = true;
        return json(res, 429, { error: "slow down" }, { "retry-after": "0" });
      }
      json(res, 200, { data: ALL.slice(offset, offset + 50), total: ALL.length });
    });
    const limits: number[] = [];
    const api = client(server.url, {
      concurrency: 4,
      hooks: { onRetry: () => void limits.push(api.concurrency.limit) },
    });
    const records = await api.fetchRecords("/items", {
      strategy: "offset",
      pageSize: 50,
      totalPath: "total",
    });
    expect(ids(records)).toEqual(every(1000));
    expect(limits).toEqual([2]);
    // 20 pages: after 8 healthy answers at 2 it is 3 again; not yet 4 (that takes 12 more).
    expect(api.concurrency.limit).toBe(3);
    expect(api.concurrency.max).toBe(4);
  });
});

describe("read-ahead", () => {
  /** Polls (bounded) until `check` holds or `ms` have passed; gives back whether it held. */
  async function within(ms: number, check: () => boolean): Promise<boolean> {
    for (const started = Date.now(); Date.now() - started < ms; await sleep(5)) if (check()) return true;
    return check();
  }

  it("by default, the next page is asked for while the consumer holds the current one", async () => {
    const server = await offsetApi({ delayMs: 1, total: false });
    const pages = client(server.url).pages("/items", { strategy: "offset", pageSize: 100 });
    await pages.next();
    expect(await within(2_000, () => server.requests.length === 2)).toBe(true);
    await pages.return(undefined);
  });

  it("breaking out early leaves at most that one read-ahead request behind (README: Fetching)", async () => {
    const server = await offsetApi({ delayMs: 1, total: false });
    for await (const page of client(server.url).stream("/items", { strategy: "offset", pageSize: 100 }))
      if (page.id === 1) break;
    await sleep(100);
    expect(server.requests.length).toBeLessThanOrEqual(2);
  });

  it("readAhead: false sends no request before the consumer asks for its page, parallel pages included", async () => {
    const server = await offsetApi({ delayMs: 1 });
    const api = client(server.url, { concurrency: 4 });
    const pages = api.pages("/items", {
      strategy: "offset",
      pageSize: 100,
      totalPath: "total",
      readAhead: false,
    });
    await pages.next();
    await sleep(150);
    expect(server.requests).toHaveLength(1);
    await pages.next();
    await sleep(50);
    expect(server.requests).toHaveLength(2);
    await pages.return(undefined);
    await sleep(50);
    expect(server.requests).toHaveLength(2);
    // The same listing read to its end: every record, one request per page, one at a time.
    const all = await api.fetchRecords("/items", {
      strategy: "offset",
      pageSize: 100,
      totalPath: "total",
      readAhead: false,
    });
    expect(ids(all)).toEqual(every(1000));
    expect(server.requests).toHaveLength(12);
    expect(server.maxInFlight).toBe(1);
  });

  it("readAhead: false can be the client's setting", async () => {
    const server = await offsetApi({ delayMs: 1, total: false });
    const api = client(server.url, { pagination: { strategy: "offset", pageSize: 100, readAhead: false } });
    for await (const page of api.stream("/items")) if (page.id === 1) break;
    await sleep(100);
    expect(server.requests).toHaveLength(1);
  });
});

describe("AdaptiveLimiter", () => {
  it("caps work in flight, halves on throttle, grows back after 4 × limit healthy responses", async () => {
    const limiter = new AdaptiveLimiter(4);
    let running = 0;
    let most = 0;
    const job = async () => {
      if (!limiter.tryAcquire()) await limiter.wait().granted;
      try {
        running += 1;
        most = Math.max(most, running);
        await sleep(5);
        running -= 1;
      } finally {
        limiter.release();
      }
    };
    await Promise.all(Array.from({ length: 12 }, job));
    expect(most).toBe(4);
    limiter.throttle();
    expect(limiter.limit).toBe(2);
    limiter.throttle();
    limiter.throttle();
    expect(limiter.limit).toBe(1);
    most = 0;
    await Promise.all(Array.from({ length: 5 }, job));
    expect(most).toBe(1);
    for (let i = 0; i < 3; i++) limiter.healthy();
    expect(limiter.limit).toBe(1);
    limiter.healthy();
    expect(limiter.limit).toBe(2);
    for (let i = 0; i < 100; i++) limiter.healthy();
    expect(limiter.limit).toBe(4);
  });

  it("a wait given up before or after its slot came leaves the budget as it was", async () => {
    const limiter = new AdaptiveLimiter(1);
    expect(limiter.tryAcquire()).toBe(true);
    const early = limiter.wait();
    early.cancel();
    const late = limiter.wait();
    limiter.release();
    await late.granted;
    expect(limiter.active).toBe(1);
    late.cancel();
    expect(limiter.active).toBe(0);
    expect(limiter.tryAcquire()).toBe(true);
  });
});
