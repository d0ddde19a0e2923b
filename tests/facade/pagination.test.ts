import { afterEach, describe, expect, it } from "vitest";
import { PaginationError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, makeRecords, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const ALL = makeRecords(250);
const ids = (records: Array<Record<string, unknown>>) => records.map((r) => r.id);
const expectEveryRecordOnce = (records: Array<Record<string, unknown>>, n = ALL.length) =>
  expect(ids(records)).toEqual(Array.from({ length: n }, (_, i) => i + 1));

/** An offset API that caps the page size at `cap`, optionally reporting the total. */
function offsetApi(options: { cap?: number; total?: boolean } = {}) {
  return serve((req, res) => {
    const offset = Number(req.query.get("offset") ?? 0);
    const limit = Math.min(Number(req.query.get("limit") ?? 10), options.cap ?? 1000);
    const body: Record<string, unknown> = { data: ALL.slice(offset, offset + limit) };
    if (options.total) body.total = ALL.length;
    json(res, 200, body);
  });
}

describe("offset pagination", () => {
  it("fetches every record once when the total is known", async () => {
    const server = await offsetApi({ total: true });
    const records = await client(server.url).fetchRecords("/items", {
      strategy: "offset",
      pageSize: 100,
      totalPath: "total",
    });
    expectEveryRecordOnce(records);
    expect(server.requests).toHaveLength(3);
  });

  it("fetches every record once without a total, ending on the empty page", async () => {
    const server = await offsetApi();
    const records = await client(server.url).fetchRecords("/items", { strategy: "offset", pageSize: 100 });
    expectEveryRecordOnce(records);
    expect(server.requests).toHaveLength(4);
  });

  it("misses nothing when the server caps the page size below the one asked", async () => {
    const server = await offsetApi({ cap: 30 });
    const records = await client(server.url).fetchRecords("/items", { strategy: "offset", pageSize: 100 });
    expectEveryRecordOnce(records);
  });

  it("stops exactly at maxPages and marks the last page truncated", async () => {
    const server = await offsetApi();
    const pages = [];
    for await (const page of client(server.url).pages("/items", {
      strategy: "offset",
      pageSize: 10,
      maxPages: 3,
    }))
      pages.push(page);
    expect(pages).toHaveLength(3);
    expect(server.requests).toHaveLength(3);
    expect(pages[2]?.truncated).toBe(true);
    expect(pages[2]?.last).toBe(true);
  });

  it("asks only for what maxItems still needs on the last request", async () => {
    const server = await offsetApi();
    const records = await client(server.url).fetchRecords("/items", {
      strategy: "offset",
      pageSize: 40,
      maxItems: 100,
    });
    expect(records).toHaveLength(100);
    expect(server.requests.map((r) => r.query.get("limit"))).toEqual(["40", "40", "20"]);
  });

  it("keeps repeated query parameters on every page", async () => {
    const server = await offsetApi();
    await client(server.url).fetchRecords("/items", {
      strategy: "offset",
      pageSize: 100,
      params: { ids: [1, 2] },
    });
    for (const r of server.requests) expect(r.query.getAll("ids")).toEqual(["1", "2"]);
  });

  it("fetches just one page when the params name an explicit offset", async () => {
    const server = await offsetApi();
    const records = await client(server.url, { pagination: { strategy: "offset" } }).fetchRecords("/items", {
      params: { offset: 20, limit: 5 },
    });
    expect(ids(records)).toEqual([21, 22, 23, 24, 25]);
    expect(server.requests).toHaveLength(1);
  });

  it("stops fetching as soon as the consumer breaks out of the loop", async () => {
    const server = await offsetApi();
    let seen = 0;
    for await (const _record of client(server.url).stream("/items", { strategy: "offset", pageSize: 10 })) {
      if (++seen === 15) break;
    }
    expect(server.requests).toHaveLength(2);
  });

  it("retries a failed page on its own, never restarting from page one", async () => {
    let failed = false;
    const server = await serve((req, res) => {
      const offset = Number(req.query.get("offset"));
      if (offset === 100 && !failed) {
        failed = true;
        json(res, 503, {});
        return;
      }
      json(res, 200, { data: ALL.slice(offset, offset + 100) });
    });
    const records = await client(server.url).fetchRecords("/items", { strategy: "offset", pageSize: 100 });
    expectEveryRecordOnce(records);
    expect(server.requests.map((r) => r.query.get("offset"))).toEqual(["0", "100", "100", "200", "250"]);
  });
});

describe("page pagination", () => {
  it("follows total_pages sent as a string", async () => {
    const server = await serve((req, res) => {
      const page = Number(req.query.get("page"));
      json(res, 200, { results: ALL.slice((page - 1) * 50, page * 50), page, total_pages: "5" });
    });
    const records = await client(server.url).fetchRecords("/items", {
      strategy: "page",
      pageSize: 50,
      totalPagesPath: "total_pages",
      limitParam: "per_page",
    });
    expectEveryRecordOnce(records);
    expect(server.requests).toHaveLength(5);
    expect(server.requests[0]?.query.get("per_page")).toBe("50");
  });

  it("truncates the last page locally for maxItems", async () => {
    const server = await serve((req, res) => {
      const page = Number(req.query.get("page"));
      json(res, 200, ALL.slice((page - 1) * 20, page * 20));
    });
    const records = await client(server.url).fetchRecords("/items", {
      strategy: "page",
      pageSize: 20,
      maxItems: 30,
    });
    expectEveryRecordOnce(records, 30);
    expect(server.requests.map((r) => r.query.get("limit"))).toEqual(["20", "20"]);
  });
});

describe("cursor pagination", () => {
  function cursorApi(finalData: unknown = []) {
    return serve((req, res) => {
      const at = Number(req.query.get("cursor") ?? 0);
      const records = ALL.slice(at, at + 100);
      const end = at + 100 >= ALL.length;
      json(res, 200, {
        data: end && finalData === null ? null : records,
        next_cursor: end ? null : String(at + 100),
        has_more: !end,
      });
    });
  }

  it("follows next_cursor until it is null", async () => {
    const server = await cursorApi();
    const records = await client(server.url).fetchRecords("/items", {
      strategy: "cursor",
      hasMorePath: "has_more",
    });
    expectEveryRecordOnce(records);
    expect(server.requests).toHaveLength(3);
  });

  it("treats a null data array on the final page as an empty page", async () => {
    const server = await cursorApi(null);
    const records = await client(server.url).fetchRecords("/items", { strategy: "cursor", dataPath: "data" });
    expectEveryRecordOnce(records, 200);
  });

  it("raises PaginationError carrying the records fetched when the cursor repeats", async () => {
    const server = await serve((req, res) => {
      const c = req.query.get("cursor");
      json(res, 200, { data: c ? ALL.slice(10, 20) : ALL.slice(0, 10), next_cursor: "stuck" });
    });
    const error = (await client(server.url)
      .fetchRecords("/items", { strategy: "cursor" })
      .catch((e: unknown) => e)) as PaginationError;
    expect(error).toBeInstanceOf(PaginationError);
    expect(error.records).toHaveLength(20);
    expect(error.pages).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it("sends the cursor in a POST body for search endpoints", async () => {
    const server = await serve((req, res) => {
      const body = JSON.parse(req.body) as { start_cursor?: string; filter: unknown };
      const at = Number(body.start_cursor ?? 0);
      const end = at + 100 >= ALL.length;
      json(res, 200, {
        results: ALL.slice(at, at + 100),
        next_cursor: end ? null : String(at + 100),
        has_more: !end,
      });
    });
    const records = await client(server.url).fetchRecords("/search", {
      strategy: "cursor",
      method: "POST",
      body: { filter: { status: "open" } },
      cursorIn: "body",
      cursorParam: "start_cursor",
      hasMorePath: "has_more",
    });
    expectEveryRecordOnce(records);
    expect(
      server.requests.every((r) => r.method === "POST" && JSON.parse(r.body).filter.status === "open"),
    ).toBe(true);
  });
});

describe("link pagination", () => {
  it("follows Link rel=next headers to the end", async () => {
    const server = await serve((req, res) => {
      const page = Number(req.query.get("page") ?? 1);
      const links = page < 3 ? `<${server.url}/items?page=${page + 1}&per_page=100>; rel="next"` : "";
      json(res, 200, ALL.slice((page - 1) * 100, page * 100), links ? { link: links } : {});
    });
    const records = await client(server.url).fetchRecords("/items", { strategy: "link" });
    expectEveryRecordOnce(records);
  });

  it("raises PaginationError when the next URL repeats", async () => {
    const server = await serve((_req, res) =>
      json(res, 200, [{ id: 1 }], { link: '</items?page=2>; rel="next"' }),
    );
    await expect(client(server.url).fetchRecords("/items", { strategy: "link" })).rejects.toBeInstanceOf(
      PaginationError,
    );
  });
});

describe("auto pagination", () => {
  it("detects offset with a total and fetches everything", async () => {
    const server = await serve((req, res) => {
      const offset = Number(req.query.get("offset") ?? 0);
      json(res, 200, { items: ALL.slice(offset, offset + 50), total: ALL.length, offset });
    });
    const logs: string[] = [];
    const logger = { debug() {}, info: (m: string) => void logs.push(m), warn() {}, error() {} };
    const records = await client(server.url, { logger }).fetchRecords("/items", { paginate: true });
    expectEveryRecordOnce(records);
    expect(logs.some((l) => l.includes("chose offset"))).toBe(true);
  });

  it("detects page numbers with total_pages", async () => {
    const server = await serve((req, res) => {
      const page = Number(req.query.get("page") ?? 1);
      json(res, 200, { data: ALL.slice((page - 1) * 100, page * 100), page, total_pages: 3 });
    });
    expectEveryRecordOnce(await client(server.url).fetchRecords("/items", { paginate: true }));
  });

  it("detects a cursor", async () => {
    const server = await serve((req, res) => {
      const at = Number(req.query.get("cursor") ?? 0);
      json(res, 200, {
        data: ALL.slice(at, at + 100),
        next_cursor: at + 100 < ALL.length ? String(at + 100) : null,
      });
    });
    expectEveryRecordOnce(await client(server.url).fetchRecords("/items", { paginate: true }));
  });

  it("detects a Link header", async () => {
    const server = await serve((req, res) => {
      const page = Number(req.query.get("page") ?? 1);
      json(
        res,
        200,
        ALL.slice((page - 1) * 100, page * 100),
        page < 3 ? { link: `</items?page=${page + 1}>; rel="next"` } : {},
      );
    });
    expectEveryRecordOnce(await client(server.url).fetchRecords("/items", { paginate: true }));
  });

  it("fetches a single page when nothing in the response speaks of pages", async () => {
    const server = await serve((_req, res) => json(res, 200, { data: ALL.slice(0, 5) }));
    expect(await client(server.url).fetchRecords("/items", { paginate: true })).toHaveLength(5);
    expect(server.requests).toHaveLength(1);
  });
});

describe("records", () => {
  it("reads records at a nested dataPath", async () => {
    const server = await serve((_req, res) => json(res, 200, { result: { items: [{ id: 1 }, { id: 2 }] } }));
    expect(await client(server.url).fetchRecords("/x", { dataPath: "result.items" })).toEqual([
      { id: 1 },
      { id: 2 },
    ]);
  });

  it("treats an object with no array as one record", async () => {
    const server = await serve((_req, res) => json(res, 200, { id: 1, name: "solo" }));
    expect(await client(server.url).fetchRecords("/x")).toEqual([{ id: 1, name: "solo" }]);
  });

  it("reads the only array field of an object", async () => {
    const server = await serve((_req, res) => json(res, 200, { count: 2, things: [{ id: 1 }, { id: 2 }] }));
    expect(await client(server.url).fetchRecords("/x")).toHaveLength(2);
  });
});

describe("read-ahead", () => {
  it("asks for page N+1 while the consumer still holds page N, and never past a limit or the end", async () => {
    const server = await offsetApi();
    const api = client(server.url);
    const seenWhileHolding: number[] = [];
    for await (const page of api.pages("/items", { strategy: "offset", pageSize: 100 })) {
      // Bounded wait: the next request should already be on its way without our asking.
      for (let i = 0; i < 200 && server.requests.length < page.index + 2 && !page.last; i++) {
        await new Promise((r) => setTimeout(r, 5));
      }
      seenWhileHolding.push(server.requests.length);
    }
    // 250 records: pages of 100, 100, 50, then the empty page that ends the pull.
    expect(seenWhileHolding).toEqual([2, 3, 4, 4]);
    expect(server.requests).toHaveLength(4);

    const limited = await offsetApi();
    const records = await client(limited.url).fetchRecords("/items", {
      strategy: "offset",
      pageSize: 10,
      maxPages: 2,
    });
    expect(records).toHaveLength(20);
    expect(limited.requests).toHaveLength(2);
  });
});

describe("where the records are", () => {
  it("refuses to guess between several arrays and says to pass dataPath", async () => {
    const server = await serve((_req, res) =>
      json(res, 200, { warnings: [], hits: [{ id: 1 }], names: ["a"] }),
    );
    const error = await client(server.url)
      .fetchRecords("/search", { strategy: "offset", pageSize: 10 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as Error).message).toContain(
      "cannot tell which array holds the records (warnings, hits, names)",
    );
  });

  it("picks Jira's issues array next to warningMessages", async () => {
    const server = await serve((req, res) => {
      const start = Number(req.query.get("startAt") ?? 0);
      json(res, 200, {
        startAt: start,
        total: 3,
        warningMessages: [],
        issues: start < 3 ? [{ id: start + 1 }] : [],
      });
    });
    const records = await client(server.url).fetchRecords("/search", {
      strategy: "offset",
      offsetParam: "startAt",
      limitParam: "maxResults",
      totalPath: "total",
      pageSize: 1,
    });
    expect(records).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it("reads a paginated page without any array as empty instead of as one record", async () => {
    const server = await serve((_req, res) => json(res, 200, { data: null, next_cursor: null }));
    expect(await client(server.url).fetchRecords("/x", { strategy: "cursor" })).toEqual([]);
  });
});
