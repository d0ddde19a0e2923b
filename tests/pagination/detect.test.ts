import { describe, expect, it } from "vitest";
import { detectPagination, type PageResponse } from "../../src/pagination/index.js";

const response = (data: unknown, headers: Record<string, string> = {}): PageResponse => ({
  status: 200,
  headers,
  data,
  records: [],
});

describe("detectPagination", () => {
  it("chooses link for a Link header with rel=next", () => {
    expect(detectPagination(response([], { link: '<https://h/x?page=2>; rel="next"' })).strategy).toBe(
      "link",
    );
  });

  it("chooses link with nextUrlPath for a next URL in the body", () => {
    const d = detectPagination(response({ records: [], nextRecordsUrl: "/services/data/query/01g-2000" }));
    expect(d).toMatchObject({ strategy: "link", settings: { nextUrlPath: "nextRecordsUrl" } });
  });

  it("chooses cursor for a next_cursor key, with has_more when present", () => {
    const d = detectPagination(response({ data: [], next_cursor: "abc", has_more: true }));
    expect(d).toMatchObject({
      strategy: "cursor",
      settings: { nextCursorPath: "next_cursor", hasMorePath: "has_more" },
    });
  });

  it("chooses HubSpot-style cursor from paging.next.after", () => {
    const d = detectPagination(response({ results: [], paging: { next: { after: "25" } } }));
    expect(d).toMatchObject({
      strategy: "cursor",
      settings: { nextCursorPath: "paging.next.after", cursorParam: "after" },
    });
  });

  it("chooses Stripe-style starting_after for has_more with record ids", () => {
    const d = detectPagination(response({ object: "list", data: [{ id: "cus_1" }], has_more: true }));
    expect(d).toMatchObject({
      strategy: "cursor",
      settings: { cursorFromLastRecord: "id", cursorParam: "starting_after" },
    });
  });

  it("treats Airtable's string offset as a cursor", () => {
    const d = detectPagination(response({ records: [], offset: "itrABC/rec1" }));
    expect(d).toMatchObject({
      strategy: "cursor",
      settings: { nextCursorPath: "offset", cursorParam: "offset" },
    });
  });

  it("chooses offset for a total with a numeric offset", () => {
    const d = detectPagination(response({ items: [], total: 100, offset: 0 }));
    expect(d).toMatchObject({ strategy: "offset", settings: { totalPath: "total", offsetParam: "offset" } });
  });

  it("chooses offset with startAt for Jira-style bodies", () => {
    const d = detectPagination(response({ issues: [], total: 100, startAt: 0, maxResults: 50 }));
    expect(d).toMatchObject({ strategy: "offset", settings: { offsetParam: "startAt" } });
  });

  it("chooses page for page metadata with total_pages", () => {
    const d = detectPagination(response({ data: [], page: 1, total_pages: "41" }));
    expect(d).toMatchObject({ strategy: "page", settings: { totalPagesPath: "total_pages" } });
  });

  it("chooses none when the body says nothing about pages", () => {
    expect(detectPagination(response({ id: 1, name: "x" })).strategy).toBe("none");
  });
});
