import { describe, expect, it } from "vitest";
import { PaginationConfig } from "../../src/config/index.js";
import { PaginationError } from "../../src/errors.js";
import {
  CursorPaginator,
  LinkPaginator,
  NoPaginator,
  OffsetPaginator,
  PagePaginator,
  type PageRequest,
  type PageResponse,
} from "../../src/pagination/index.js";

const config = (input: Record<string, unknown> = {}) => PaginationConfig.parse(input);
const request = (url = "https://api.test/items?ids=1&ids=2"): PageRequest => ({
  method: "GET",
  url: new URL(url),
});
const response = (
  records: unknown[],
  data: unknown = { data: records },
  headers: Record<string, string> = {},
): PageResponse => ({
  status: 200,
  headers,
  data,
  records,
});
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }));

describe("OffsetPaginator", () => {
  it("starts at offset 0 with the page size as limit", () => {
    const first = new OffsetPaginator(config({ pageSize: 50 })).first(request());
    expect(first.url.searchParams.get("offset")).toBe("0");
    expect(first.url.searchParams.get("limit")).toBe("50");
  });

  it("advances by the records received, not by the page size", () => {
    const p = new OffsetPaginator(config({ pageSize: 50 }));
    const first = p.first(request());
    const next = p.next(response(rows(20)), first);
    expect(next?.url.searchParams.get("offset")).toBe("20");
  });

  it("keeps repeated query parameters on every page", () => {
    const p = new OffsetPaginator(config({ pageSize: 10 }));
    const next = p.next(response(rows(10)), p.first(request()));
    expect(next?.url.searchParams.getAll("ids")).toEqual(["1", "2"]);
  });

  it("stops on an empty page", () => {
    const p = new OffsetPaginator(config());
    expect(p.next(response([]), p.first(request()))).toBeNull();
  });

  it("stops when the total in the body is reached, even when it is a string", () => {
    const p = new OffsetPaginator(config({ pageSize: 10, totalPath: "meta.total" }));
    const first = p.first(request());
    const second = p.next(response(rows(10), { meta: { total: "20" } }), first);
    expect(second).not.toBeNull();
    expect(p.next(response(rows(10), { meta: { total: "20" } }), second!)).toBeNull();
  });

  it("stops at the X-Total-Count header", () => {
    const p = new OffsetPaginator(config({ pageSize: 5 }));
    expect(p.next(response(rows(5), [], { "x-total-count": "5" }), p.first(request()))).toBeNull();
  });

  it("does not stop on a short page unless stopOnShortPage is set", () => {
    const lenient = new OffsetPaginator(config({ pageSize: 100 }));
    expect(lenient.next(response(rows(30)), lenient.first(request()))).not.toBeNull();
    const strict = new OffsetPaginator(config({ pageSize: 100, stopOnShortPage: true }));
    expect(strict.next(response(rows(30)), strict.first(request()))).toBeNull();
  });

  it("shrinks the last request's limit to what maxItems still needs", () => {
    const p = new OffsetPaginator(config({ pageSize: 40, maxItems: 100 }));
    let req = p.first(request());
    req = p.next(response(rows(40)), req)!;
    req = p.next(response(rows(40)), req)!;
    expect(req.url.searchParams.get("limit")).toBe("20");
  });
});

describe("PagePaginator", () => {
  it("starts at startPage and counts up", () => {
    const p = new PagePaginator(config({ startPage: 0, pageSize: 2 }));
    const first = p.first(request());
    expect(first.url.searchParams.get("page")).toBe("0");
    expect(p.next(response(rows(2)), first)?.url.searchParams.get("page")).toBe("1");
  });

  it("stops at totalPages given as a string", () => {
    const p = new PagePaginator(config({ totalPagesPath: "total_pages", pageSize: 2 }));
    let req = p.first(request());
    req = p.next(response(rows(2), { total_pages: "2" }), req)!;
    expect(req.url.searchParams.get("page")).toBe("2");
    expect(p.next(response(rows(2), { total_pages: "2" }), req)).toBeNull();
  });

  it("stops once the total number of records has arrived", () => {
    const p = new PagePaginator(config({ totalPath: "total", pageSize: 3 }));
    const req = p.next(response(rows(3), { total: 5 }), p.first(request()))!;
    expect(p.next(response(rows(2), { total: 5 }), req)).toBeNull();
  });

  it("stops on an empty page", () => {
    const p = new PagePaginator(config());
    expect(p.next(response([]), p.first(request()))).toBeNull();
  });
});

describe("CursorPaginator", () => {
  it("sends the next cursor from the body", () => {
    const p = new CursorPaginator(config({ nextCursorPath: "meta.next" }));
    const next = p.next(response(rows(1), { meta: { next: "abc" } }), p.first(request()));
    expect(next?.url.searchParams.get("cursor")).toBe("abc");
  });

  it("stops when the cursor is null, missing or empty", () => {
    for (const data of [{ next_cursor: null }, {}, { next_cursor: "" }]) {
      const p = new CursorPaginator(config());
      expect(p.next(response(rows(1), data), p.first(request()))).toBeNull();
    }
  });

  it("stops when hasMore is false even with a cursor", () => {
    const p = new CursorPaginator(config({ hasMorePath: "has_more" }));
    expect(p.next(response(rows(1), { has_more: false, next_cursor: "x" }), p.first(request()))).toBeNull();
  });

  it("takes the cursor from the last record for starting_after APIs", () => {
    const p = new CursorPaginator(
      config({ cursorFromLastRecord: "id", cursorParam: "starting_after", hasMorePath: "has_more" }),
    );
    const next = p.next(response([{ id: "a" }, { id: "b" }], { has_more: true }), p.first(request()));
    expect(next?.url.searchParams.get("starting_after")).toBe("b");
  });

  it("raises a PaginationError when a cursor repeats", () => {
    const p = new CursorPaginator(config());
    const second = p.next(response(rows(1), { next_cursor: "same" }), p.first(request()))!;
    expect(() => p.next(response(rows(1), { next_cursor: "same" }), second)).toThrow(PaginationError);
  });

  it("tells object cursors holding big integers apart, and catches one that repeats", () => {
    const p = new CursorPaginator(config({ cursorIn: "body", cursorParam: "after" }));
    const first = p.first({ method: "POST", url: new URL("https://api.test/q"), body: {} });
    const page = (after: bigint) => response(rows(1), { next_cursor: { after } });
    const second = p.next(page(9007199254740993n), first)!;
    expect(second.body).toEqual({ after: { after: 9007199254740993n } });
    const third = p.next(page(9007199254740995n), second)!;
    expect(() => p.next(page(9007199254740993n), third)).toThrow(PaginationError);
  });

  it("raises a PaginationError when hasMore is true but no cursor came", () => {
    const p = new CursorPaginator(config({ hasMorePath: "has_more" }));
    expect(() => p.next(response(rows(1), { has_more: true }), p.first(request()))).toThrow(/no cursor/);
  });

  it("puts the cursor into the JSON body when cursorIn is body", () => {
    const p = new CursorPaginator(
      config({ cursorIn: "body", cursorParam: "start_cursor", hasMorePath: "has_more" }),
    );
    const first = p.first({ method: "POST", url: new URL("https://api.test/q"), body: { filter: { a: 1 } } });
    const next = p.next(response(rows(1), { has_more: true, next_cursor: "c2" }), first);
    expect(next?.body).toEqual({ filter: { a: 1 }, start_cursor: "c2" });
    expect(first.body).toEqual({ filter: { a: 1 } });
  });

  it("asks only for what maxItems still needs", () => {
    const p = new CursorPaginator(config({ pageSize: 10, maxItems: 15 }));
    const first = p.first(request());
    expect(first.url.searchParams.get("limit")).toBe("10");
    const next = p.next(response(rows(10), { next_cursor: "c" }), first);
    expect(next?.url.searchParams.get("limit")).toBe("5");
  });
});

describe("LinkPaginator", () => {
  it("follows rel=next and resolves relative URLs", () => {
    const p = new LinkPaginator(config());
    const next = p.next(response(rows(1), [], { link: '</items?page=2>; rel="next"' }), p.first(request()));
    expect(next?.url.toString()).toBe("https://api.test/items?page=2");
  });

  it("stops when there is no next link", () => {
    const p = new LinkPaginator(config());
    expect(
      p.next(
        response(rows(1), [], { link: '<https://api.test/items?page=1>; rel="prev"' }),
        p.first(request()),
      ),
    ).toBeNull();
  });

  it("reads a next URL from the body with nextUrlPath", () => {
    const p = new LinkPaginator(config({ nextUrlPath: "nextRecordsUrl" }));
    const next = p.next(response(rows(1), { nextRecordsUrl: "/query/01g-2000" }), p.first(request()));
    expect(next?.url.toString()).toBe("https://api.test/query/01g-2000");
  });

  it("raises a PaginationError when the next URL repeats", () => {
    const p = new LinkPaginator(config());
    const link = { link: '<https://api.test/items?page=2>; rel="next"' };
    const second = p.next(response(rows(1), [], link), p.first(request()))!;
    expect(() => p.next(response(rows(1), [], link), second)).toThrow(PaginationError);
  });
});

describe("NoPaginator", () => {
  it("plans exactly one request", () => {
    const p = new NoPaginator();
    const first = p.first(request());
    expect(first.url.toString()).toBe(request().url.toString());
    expect(p.next()).toBeNull();
  });
});
