// Cursor pagination: the next cursor comes from the body (nextCursorPath) or from the last record
// (cursorFromLastRecord, Stripe's starting_after), and goes into the query or the JSON body.
import { PaginationError } from "../errors.js";
import { toJson } from "../flatten/index.js";
import { toBoolean } from "./meta.js";
import { getPath, setPath } from "./paths.js";
import {
  cloneRequest,
  type PageRequest,
  type PageResponse,
  type Paginator,
  type ResolvedPagination,
} from "./types.js";

export class CursorPaginator implements Paginator {
  readonly strategy = "cursor";
  readonly #seen = new Set<string>();
  /** Records received: what maxItems still allows on the next page (state, set again only by resume()). */
  #items = 0;

  constructor(private readonly config: ResolvedPagination) {}

  first(request: PageRequest): PageRequest {
    return this.#withLimit(cloneRequest(request));
  }

  resume(_request: PageRequest, counts: { pages: number; records: number }): void {
    this.#items = counts.records;
  }

  next(response: PageResponse, request: PageRequest): PageRequest | null {
    const { config } = this;
    this.#items += response.records.length;
    const hasMore = config.hasMorePath ? toBoolean(getPath(response.data, config.hasMorePath)) : undefined;
    if (hasMore === false) return null;

    let cursor: unknown;
    if (config.cursorFromLastRecord) {
      const last = response.records[response.records.length - 1];
      if (last === undefined) {
        if (hasMore !== true) return null;
        throw new PaginationError(
          `${config.hasMorePath} says there are more pages, but the page is empty and the cursor comes from its last record (${config.cursorFromLastRecord})`,
        );
      }
      cursor = getPath(last, config.cursorFromLastRecord);
    } else {
      cursor = getPath(response.data, config.nextCursorPath);
    }
    if (cursor === undefined || cursor === null || cursor === "") {
      if (hasMore === true) {
        throw new PaginationError(
          `${config.hasMorePath} says there are more pages, but no cursor was found at ${config.cursorFromLastRecord ?? config.nextCursorPath}`,
        );
      }
      return null;
    }
    // An empty page with a new cursor is followed: filtered listings and search APIs send empty pages
    // mid-listing. The repeat guard below and the loop's limit on empty pages in a row stop a loop.
    // toJson, not JSON.stringify: a cursor object parsed from the page may hold a bigint.
    const key = typeof cursor === "object" ? toJson(cursor) : String(cursor);
    if (this.#seen.has(key)) {
      throw new PaginationError(
        `the cursor ${JSON.stringify(key).slice(0, 80)} came back a second time; stopping to avoid a loop`,
      );
    }
    this.#seen.add(key);

    const next = this.#withLimit(cloneRequest(request));
    if (config.cursorIn === "body") {
      next.body ??= {};
      setPath(next.body, config.cursorParam, cursor);
    } else {
      next.url.searchParams.set(config.cursorParam, typeof cursor === "object" ? key : String(cursor));
    }
    return next;
  }

  #withLimit(request: PageRequest): PageRequest {
    const { pageSize, maxItems, limitParam, cursorIn } = this.config;
    if (pageSize === undefined && maxItems === undefined) return request;
    const size = pageSize ?? maxItems!;
    const limit = Math.max(1, Math.min(size, maxItems === undefined ? size : maxItems - this.#items));
    // Without a page size, a limit is only sent once maxItems needs the last page to be smaller.
    if (pageSize === undefined && limit >= size) return request;
    if (cursorIn === "body") {
      request.body ??= {};
      setPath(request.body, limitParam, limit);
    } else {
      request.url.searchParams.set(limitParam, String(limit));
    }
    return request;
  }
}
