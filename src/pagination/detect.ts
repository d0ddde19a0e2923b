// Guesses the pagination strategy from a first response (like dlt's paginator detector). Used by the
// `auto` strategy and by inspect; it returns the settings that make the chosen strategy work.
import { headerValue } from "../base/index.js";
import { findLink } from "../http/index.js";
import { toBoolean, toNumber } from "./meta.js";
import { getPath } from "./paths.js";
import type { DetectedPagination, PageResponse } from "./types.js";

const NEXT_URL_PATHS = [
  "next",
  "next_url",
  "nextUrl",
  "next_page_url",
  "nextPageUrl",
  "nextRecordsUrl",
  "@odata\\.nextLink",
  "links.next",
  "_links.next.href",
  "_links.next",
  "pagination.next",
  "pagination.next_url",
  "paging.next",
  "meta.next",
];

const CURSOR_PATHS: Array<[path: string, param: string]> = [
  ["next_cursor", "cursor"],
  ["nextCursor", "cursor"],
  ["cursor.next", "cursor"],
  ["meta.next_cursor", "cursor"],
  ["meta.nextCursor", "cursor"],
  ["pagination.next_cursor", "cursor"],
  ["pagination.nextCursor", "cursor"],
  ["response_metadata.next_cursor", "cursor"],
  ["next_page_token", "page_token"],
  ["nextPageToken", "pageToken"],
  ["paging.next.after", "after"],
  ["paging.cursors.after", "after"],
  ["offset", "offset"],
];

const HAS_MORE_PATHS = ["has_more", "hasMore", "has_next", "hasNext", "meta.has_more", "pagination.has_more"];
const TOTAL_PATHS = [
  "total",
  "total_count",
  "totalCount",
  "meta.total",
  "pagination.total",
  "meta.total_count",
];
const TOTAL_PAGES_PATHS = [
  "total_pages",
  "totalPages",
  "last_page",
  "pages",
  "meta.total_pages",
  "meta.last_page",
  "pagination.total_pages",
  "pagination.pages",
];
const PAGE_PATHS = [
  "page",
  "current_page",
  "currentPage",
  "meta.page",
  "meta.current_page",
  "pagination.page",
];
const OFFSET_PATHS = ["offset", "skip", "start", "startAt", "meta.offset", "pagination.offset"];

function looksLikeUrl(value: unknown): value is string {
  return (
    typeof value === "string" &&
    (/^https?:\/\//i.test(value) || value.startsWith("/") || value.startsWith("?"))
  );
}

export function detectPagination(response: PageResponse, requestUrl?: URL): DetectedPagination {
  const link = headerValue(response.headers, "link");
  if (findLink(link, "next", requestUrl?.toString())) {
    return { strategy: "link", settings: {}, reason: 'a Link header with rel="next"' };
  }
  const { data } = response;
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    if (headerValue(response.headers, "x-total-count") !== undefined) {
      return { strategy: "offset", settings: {}, reason: "an X-Total-Count header" };
    }
    return { strategy: "none", settings: {}, reason: "no pagination metadata in the response" };
  }

  const nextUrl = NEXT_URL_PATHS.find((p) => looksLikeUrl(getPath(data, p)));
  if (nextUrl)
    return { strategy: "link", settings: { nextUrlPath: nextUrl }, reason: `a next-page URL at ${nextUrl}` };

  const hasMorePath = HAS_MORE_PATHS.find((p) => toBoolean(getPath(data, p)) !== undefined);
  const withHasMore = hasMorePath ? { hasMorePath } : {};
  // Airtable's "offset" is an opaque string token; a numeric offset means offset pagination instead.
  const cursor = CURSOR_PATHS.find(([p]) => {
    const v = getPath(data, p);
    if (p === "offset") return typeof v === "string" && v !== "" && toNumber(v) === undefined;
    return (typeof v === "string" && v !== "") || typeof v === "number";
  });
  if (cursor) {
    return {
      strategy: "cursor",
      settings: { nextCursorPath: cursor[0], cursorParam: cursor[1], ...withHasMore },
      reason: `a cursor at ${cursor[0]}`,
    };
  }
  if (hasMorePath && toBoolean(getPath(data, hasMorePath)) !== undefined) {
    // Stripe-style: has_more plus the id of the last record as the next starting point.
    const records = Object.values(data).find(Array.isArray) as unknown[] | undefined;
    const last = records?.[records.length - 1];
    if (last && typeof last === "object" && "id" in last) {
      return {
        strategy: "cursor",
        settings: { cursorFromLastRecord: "id", cursorParam: "starting_after", hasMorePath },
        reason: `${hasMorePath} with record ids (starting_after)`,
      };
    }
  }

  const totalPagesPath = TOTAL_PAGES_PATHS.find((p) => toNumber(getPath(data, p)) !== undefined);
  const pagePath = PAGE_PATHS.find((p) => toNumber(getPath(data, p)) !== undefined);
  if (pagePath && totalPagesPath) {
    return { strategy: "page", settings: { totalPagesPath }, reason: `${pagePath} and ${totalPagesPath}` };
  }
  const totalPath = TOTAL_PATHS.find((p) => toNumber(getPath(data, p)) !== undefined);
  const offsetPath = OFFSET_PATHS.find((p) => toNumber(getPath(data, p)) !== undefined);
  if (totalPath && offsetPath) {
    const param = offsetPath.split(".").pop()!;
    const offsetParam =
      param === "startAt" ? "startAt" : param === "skip" ? "skip" : param === "start" ? "start" : "offset";
    return {
      strategy: "offset",
      settings: { totalPath, offsetParam },
      reason: `${totalPath} with ${offsetPath}`,
    };
  }
  if (pagePath && totalPath) {
    return { strategy: "page", settings: { totalPath }, reason: `${pagePath} and ${totalPath}` };
  }
  if (totalPath) return { strategy: "offset", settings: { totalPath }, reason: `a total at ${totalPath}` };
  if (headerValue(response.headers, "x-total-count") !== undefined) {
    return { strategy: "offset", settings: {}, reason: "an X-Total-Count header" };
  }
  return { strategy: "none", settings: {}, reason: "no pagination metadata in the response" };
}

/** The page number a body says it is, if it says. */
export function currentPage(data: unknown): number | undefined {
  for (const p of PAGE_PATHS) {
    const n = toNumber(getPath(data, p));
    if (n !== undefined) return n;
  }
  return undefined;
}
