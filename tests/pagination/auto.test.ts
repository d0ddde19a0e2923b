// The auto strategy through the public contract: what it detected is readable as `paginator.detected`
// on any Paginator, and the strategy it hands over to, set up through resume(), plans the pages after
// a first page that went out without pagination parameters.
import { describe, expect, it } from "vitest";
import { PaginationConfig } from "../../src/config/index.js";
import { PaginationError } from "../../src/errors.js";
import {
  AutoPaginator,
  type PageRequest,
  type PageResponse,
  type Paginator,
} from "../../src/pagination/index.js";

const auto = (input: Record<string, unknown> = {}): Paginator =>
  new AutoPaginator(PaginationConfig.parse({ strategy: "auto", ...input }));
const request = (url = "https://api.test/items"): PageRequest => ({ method: "GET", url: new URL(url) });
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }));
const page = (data: Record<string, unknown>, headers: Record<string, string> = {}): PageResponse => ({
  status: 200,
  headers,
  data,
  records: (data.data as unknown[] | undefined) ?? [],
});
const query = (r: PageRequest | null) => Object.fromEntries(r?.url.searchParams ?? []);

describe("AutoPaginator through the Paginator interface", () => {
  it("exposes nothing detected before the first page and the settled strategy after it", () => {
    const p = auto();
    expect(p.detected).toBeUndefined();
    const first = p.first(request());
    p.next(page({ data: rows(25), total: 60 }), first);
    expect(p.detected).toEqual({
      strategy: "offset",
      settings: { totalPath: "total" },
      reason: "a total at total",
    });
    expect(p.strategy).toBe("auto:offset");
  });

  it("keeps `detected` read-only to its users, in the types and at run time", () => {
    const p: Paginator = auto();
    expect(() => {
      // @ts-expect-error: the finding is the paginator's, not a setting
      p.detected = undefined;
    }).toThrow(TypeError);
  });

  it("a paginator that does not detect reads as undefined through the same field", () => {
    const custom: Paginator = { strategy: "mine", first: (r) => r, next: () => null };
    expect(custom.detected).toBeUndefined();
  });
});

describe("the hand-over after detection", () => {
  it("offset without pageSize: goes on at the records received, asking for the size the server chose", () => {
    const p = auto();
    const first = p.first(request());
    expect(query(p.next(page({ data: rows(25), total: 60 }), first))).toEqual({ offset: "25", limit: "25" });
  });

  it("offset with pageSize: asks for pageSize from the records received on", () => {
    const p = auto({ pageSize: 10 });
    const first = p.first(request());
    expect(query(p.next(page({ data: rows(25), total: 60 }), first))).toEqual({ offset: "25", limit: "10" });
  });

  it("page numbers: the page after the one the body names, and no size the first request did not send", () => {
    const p = auto();
    const first = p.first(request("https://api.test/items?per_page=5"));
    const next = p.next(page({ data: rows(5), page: 0, total_pages: 3 }), first);
    expect(query(next)).toEqual({ per_page: "5", page: "1" });
    expect(p.detected?.strategy).toBe("page");
  });

  it("page numbers with pageSize: the size goes out from the second page on", () => {
    const p = auto({ pageSize: 5 });
    const first = p.first(request());
    const next = p.next(page({ data: rows(5), page: 1, total_pages: 3 }), first);
    expect(query(next)).toEqual({ page: "2", limit: "5" });
  });

  it("link: the first URL counts as seen, so a next link back to it is a loop", () => {
    const p = auto();
    const first = p.first(request("https://api.test/items?page=1"));
    const loop = { link: '<https://api.test/items?page=1>; rel="next"' };
    expect(() => p.next(page({ data: rows(1) }, loop), first)).toThrow(PaginationError);
  });
});
