// A pull is complete or it fails: empty pages mid-listing are followed, an endless run of them is a
// PaginationError, and a count (total, total pages, has_more) that promises more than came is never
// taken as the end.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PaginationError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "apikit-empty-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const ids = (records: Array<Record<string, unknown>>) => records.map((r) => r.id);

/** A cursor API serving `pages` in order: page i answers cursor String(i) (the first, no cursor). */
function cursorPages(
  pages: Array<Array<{ id: number }>>,
  extra: (i: number) => Record<string, unknown> = () => ({}),
) {
  return serve((req, res) => {
    const i = Number(req.query.get("cursor") ?? 0);
    const last = i === pages.length - 1;
    json(res, 200, { data: pages[i] ?? [], next_cursor: last ? null : String(i + 1), ...extra(i) });
  });
}

describe("empty pages mid-listing", () => {
  it("cursor: an empty page that still has a next cursor is followed (fetchRecords)", async () => {
    const server = await cursorPages([[{ id: 1 }, { id: 2 }], [], [{ id: 3 }]]);
    const records = await client(server.url).fetchRecords("/items", { strategy: "cursor" });
    expect(ids(records)).toEqual([1, 2, 3]);
  });

  it("cursor: fetchToFile writes every record past an empty page and reports them all", async () => {
    const server = await cursorPages([[{ id: 1 }, { id: 2 }], [], [{ id: 3 }]]);
    const filePath = join(dir, "cursor.ndjson");
    const result = await client(server.url).fetchToFile("/items", { strategy: "cursor", filePath });
    expect(result.records).toBe(3);
    const lines = (await readFile(filePath, "utf8")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).id)).toEqual([1, 2, 3]);
  });

  it("cursor with has_more: empty pages with has_more true are followed", async () => {
    const server = await cursorPages([[{ id: 1 }], [], [], [{ id: 2 }]], (i) => ({ has_more: i < 3 }));
    const records = await client(server.url).fetchRecords("/items", {
      strategy: "cursor",
      hasMorePath: "has_more",
    });
    expect(ids(records)).toEqual([1, 2]);
  });

  it("a run of maxEmptyPages empty pages that keep pointing on is a PaginationError, not an end", async () => {
    const server = await serve((req, res) => {
      const i = Number(req.query.get("cursor") ?? 0);
      json(res, 200, { data: i === 0 ? [{ id: 1 }] : [], next_cursor: String(i + 1) });
    });
    const api = client(server.url);
    const failure = await api.fetchRecords("/items", { strategy: "cursor" }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PaginationError);
    expect((failure as PaginationError).message).toMatch(/10 empty pages in a row/);
    expect((failure as PaginationError).records).toEqual([{ id: 1 }]);
    // The first page, then the ten empty ones (a read-ahead past the last may be in flight).
    expect(server.requests.length).toBeGreaterThanOrEqual(11);
    expect(server.requests.length).toBeLessThanOrEqual(12);

    const short = await api
      .fetchRecords("/items", { strategy: "cursor", maxEmptyPages: 3 })
      .catch((e: unknown) => e);
    expect((short as Error).message).toMatch(/3 empty pages in a row/);
  });

  it("cursor from the last record: an empty page while has_more is true is a PaginationError", async () => {
    const server = await serve((req, res) => {
      const after = req.query.get("starting_after");
      json(res, 200, after ? { data: [], has_more: true } : { data: [{ id: "a" }], has_more: true });
    });
    const failure = await client(server.url)
      .fetchRecords("/items", {
        strategy: "cursor",
        cursorFromLastRecord: "id",
        cursorParam: "starting_after",
        hasMorePath: "has_more",
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PaginationError);
    expect((failure as Error).message).toMatch(/page is empty/);
  });

  it("link: an empty page with a next link is followed", async () => {
    const server = await serve((req, res) => {
      const page = Number(req.query.get("p") ?? 1);
      const data = page === 2 ? [] : [{ id: page }];
      const headers: Record<string, string> = page < 3 ? { link: `</items?p=${page + 1}>; rel="next"` } : {};
      json(res, 200, data, headers);
    });
    const records = await client(server.url).fetchRecords("/items", { strategy: "link" });
    expect(ids(records)).toEqual([1, 3]);
  });

  it("relay: hasNextPage true with zero nodes is followed", async () => {
    const pages = [[{ id: 1 }], [], [{ id: 2 }]];
    const server = await serve((req, res) => {
      const after = (JSON.parse(req.body) as { variables?: { after?: string } }).variables?.after;
      const i = after === undefined ? 0 : Number(after);
      json(res, 200, {
        data: {
          items: {
            nodes: pages[i],
            pageInfo: { hasNextPage: i < pages.length - 1, endCursor: String(i + 1) },
          },
        },
      });
    });
    const nodes = await client(server.url).graphql<Array<{ id: number }>>("/graphql", "query { items }", {
      paginate: true,
      connectionPath: "items",
    });
    expect(nodes.map((n) => n.id)).toEqual([1, 2]);
  });
});

describe("counts that promise more than came", () => {
  it("offset: an empty page before the total is a PaginationError", async () => {
    const server = await serve((req, res) => {
      const offset = Number(req.query.get("offset") ?? 0);
      json(res, 200, { data: offset < 10 ? [{ id: offset + 1 }] : [], total: 50 });
    });
    const failure = await client(server.url)
      .fetchRecords("/items", { strategy: "offset", pageSize: 1, totalPath: "total" })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PaginationError);
    expect((failure as Error).message).toMatch(/total says 50/);
  });

  it("offset: a total smaller than what the API sends is ignored, and the pull goes on to the empty page", async () => {
    const all = Array.from({ length: 25 }, (_, i) => ({ id: i + 1 }));
    const server = await serve((req, res) => {
      const offset = Number(req.query.get("offset") ?? 0);
      const limit = Number(req.query.get("limit"));
      json(res, 200, { data: all.slice(offset, offset + limit), total: 12 });
    });
    const records = await client(server.url).fetchRecords("/items", {
      strategy: "offset",
      pageSize: 10,
      totalPath: "total",
    });
    expect(ids(records)).toEqual(all.map((r) => r.id));
  });

  it("page: an empty page before total_pages is a PaginationError", async () => {
    const server = await serve((req, res) => {
      const page = Number(req.query.get("page"));
      json(res, 200, { data: page < 3 ? [{ id: page }] : [], total_pages: 5 });
    });
    const failure = await client(server.url)
      .fetchRecords("/items", { strategy: "page", pageSize: 1, totalPagesPath: "total_pages" })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PaginationError);
    expect((failure as Error).message).toMatch(/last page is 5/);
  });
});
