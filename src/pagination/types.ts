// The paginator contract: a small state machine that plans requests from responses and does no I/O,
// so it is unit-testable on plain objects (and can plan several requests ahead when the total is known).
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
  headers: Record<string, string | string[] | undefined>;
  /** The parsed body. */
  data: unknown;
  /** The records taken from the body. */
  records: readonly unknown[];
}

export interface Paginator {
  readonly strategy: string;
  /** The first request, with whatever pagination parameters the strategy sends up front. */
  first(request: PageRequest): PageRequest;
  /** The next request after `response` (the answer to `request`), or null when the listing is complete. */
  next(response: PageResponse, request: PageRequest): PageRequest | null;
  /**
   * The requests that would follow `request` (the one next() just returned) if every page came back
   * full, at most `count`, and none past the total (none at all while the total is unknown). For fetching pages in parallel: the loop only
   * uses a prefetched page when it is exactly the request next() asks for, so a wrong guess costs a
   * request, never a record.
   */
  predict?(request: PageRequest, count: number): PageRequest[];
  /**
   * Continues a pull from a checkpoint: `request` is the next one to send, after `counts` already
   * written. Paginators that keep counters set them from the request and the counts.
   */
  resume?(request: PageRequest, counts: { pages: number; records: number }): void;
}

/** Pagination settings after defaults, plus the limits the loop enforces. */
export type ResolvedPagination = PaginationConfig;

export const DEFAULT_PAGE_SIZE = 100;

export function cloneRequest(request: PageRequest): PageRequest {
  return {
    method: request.method,
    url: new URL(request.url),
    body: request.body === undefined ? undefined : structuredClone(request.body),
  };
}
