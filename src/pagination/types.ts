// The paginator contract, public: what the page loop asks of a paginator, built-in or a user's, and
// what it gives one (requests and parsed pages), so a paginator stays free of I/O.
import type { PaginationConfig } from "../config/index.js";

export interface PageRequest {
  method: string;
  /** The full URL, query included. */
  url: URL;
  /** A JSON body (POST searches, GraphQL); cursors may be placed in it. */
  body?: Record<string, unknown> | undefined;
}

export interface PageResponse {
  status: number;
  /** As the transport gives them: lower-cased names, a repeated field as an array. */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed body. */
  data: unknown;
  /** The records taken from the body. */
  records: readonly unknown[];
}

/**
 * What an auto-detecting paginator settled on after the first page: a strategy and the settings that
 * make it work, so a checkpoint or a later pull can go on with it without detecting again.
 */
export interface DetectedPagination {
  strategy: "offset" | "page" | "cursor" | "link" | "none";
  /** Settings that differ from the defaults. */
  settings: Partial<PaginationConfig>;
  /** Why it was chosen, for logs and inspect. */
  reason: string;
}

/**
 * How a listing is paged: the contract the page loop drives. The built-in strategies implement it, and
 * so can a user, for an API they do not cover (the `paginator` option).
 *
 * A paginator plans requests from responses and does no I/O: the loop sends every request, parses every
 * body and finds the records, so a paginator can be tested on plain objects. It keeps state between
 * pages (cursors seen, the offset reached), so one instance serves one pull: make a new one per pull.
 * The loop calls first() (or resume(), from a checkpoint) once, then next() once per page, in order.
 *
 * Requests are values: return new ones (cloneRequest copies one) rather than changing the one given,
 * which the loop may still hold (as a checkpoint, as the key of a page fetched ahead).
 *
 * When the API breaks its own paging (a cursor that repeats, a page count that more pages contradict),
 * throw PaginationError saying what happened. Leave out the counts and URL: the loop owns them and adds
 * the pages and records so far and the page's redacted URL, then ends the pull after yielding that page.
 * Any other error ends the pull as thrown.
 */
export interface Paginator {
  /**
   * A name for logs and dry runs ("cursor", "auto:offset", one of your own). "none" also tells the
   * loop that a body without an array is one record, not an empty page.
   */
  readonly strategy: string;
  /**
   * What an auto-detecting paginator settled on once it has seen the first page; undefined before, and
   * always for one that does not detect.
   */
  readonly detected?: DetectedPagination | undefined;
  /** The first request, with whatever pagination parameters the strategy sends up front. */
  first(request: PageRequest): PageRequest;
  /**
   * The next request after `response` (the answer to `request`), or null when the listing is complete.
   * `response.records` are the records the loop found on the page (before any maxItems cut).
   */
  next(response: PageResponse, request: PageRequest): PageRequest | null;
  /**
   * The requests that would follow `request` (the one next() just returned) if every page came back
   * full, at most `count`, and none past the total (none at all while the total is unknown). For
   * fetching pages in parallel; leave it out to fetch one page ahead. The loop only uses a prefetched
   * page when it is exactly the request next() asks for, so a wrong guess costs a request, never a record.
   */
  predict?(request: PageRequest, count: number): PageRequest[];
  /**
   * Continues a pull instead of first(): `request` is the next one to send, after `counts` already
   * written. Restore from them the state next() works from (a position, a page number); the loop
   * keeps the counts, so keep a count only where the logic needs it (a limit under maxItems).
   * A paginator whose next() needs no earlier state can leave this out.
   */
  resume?(request: PageRequest, counts: { pages: number; records: number }): void;
}

/** Pagination settings after defaults, plus the limits the loop enforces. */
export type ResolvedPagination = PaginationConfig;

export const DEFAULT_PAGE_SIZE = 100;

/** A copy of a request that may be changed freely: its own URL and a deep copy of its body. */
export function cloneRequest(request: PageRequest): PageRequest {
  return {
    method: request.method,
    url: new URL(request.url),
    body: request.body === undefined ? undefined : structuredClone(request.body),
  };
}
