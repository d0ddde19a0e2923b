// The one page loop. Every way of reading a listing (stream, fetchRecords, DataFrames, files, GraphQL,
// the CLI) consumes this generator; it asks the paginator for requests, counts, and enforces limits.
import { PaginationError, type PaginationErrorContext } from "../errors.js";
import { toJson } from "../flatten/index.js";
import type { Logger } from "../http/index.js";
import { locateRecords, recordsAt } from "./meta.js";
import type { PageRequest, PageResponse, Paginator } from "./types.js";

export interface Page<T = unknown> {
  records: T[];
  /** 0-based page number within this pull. */
  index: number;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The page's URL, secrets redacted. */
  url: string;
  /** Response body size in bytes. */
  bytes: number;
  /** This is the last page of the pull. */
  last: boolean;
  /** The pull stopped at maxPages or maxItems while the API had more. */
  truncated: boolean;
}

/** A page as the loop yields it: with what a checkpoint records, which is not for users (the next URL holds secrets). */
export interface LoopPage<T = unknown> extends Page<T> {
  /** The request that comes after this page (null on the last one). */
  next: PageRequest | null;
  /** Where the records were found in the body (a dot path; "" for a top-level array). */
  recordsPath: string | null | undefined;
}

export interface FetchedPage extends Omit<PageResponse, "records"> {
  /** Redacted URL. */
  url: string;
  bytes: number;
}

export interface LoopOptions {
  paginator: Paginator;
  request: PageRequest;
  fetchPage: (request: PageRequest) => Promise<FetchedPage>;
  /** Where records are in the body; when absent it is located on the first page and kept. */
  dataPath?: string | undefined;
  /** Overrides record location entirely (GraphQL connections). */
  extract?: ((data: unknown) => unknown[]) | undefined;
  maxPages?: number | undefined;
  maxItems?: number | undefined;
  /**
   * A limit that leaves pages unread: "truncate" (default) ends the pull there with a warning and the
   * last page marked `truncated`; "raise" yields that page, then throws a PaginationError.
   */
  onLimit?: "truncate" | "raise" | undefined;
  logger?: Logger | undefined;
  /**
   * Pages in flight at once: the next one plus what the paginator predicts (offset and page listings).
   * A function, so an adaptive budget can shrink it while the pull runs. Default 1 (read-ahead only).
   */
  concurrency?: number | (() => number) | undefined;
  /** Continue from a checkpoint: the next request, and what was already written. */
  resume?: ResumePoint | undefined;
  /** Empty pages in a row that still point to a next page before the pull fails. Default 10. */
  maxEmptyPages?: number | undefined;
  /**
   * Fetch the next page (and predicted ones) while the consumer holds the current one. Default true;
   * false sends each request only when the consumer asks for its page.
   */
  readAhead?: boolean | undefined;
}

export const DEFAULT_MAX_EMPTY_PAGES = 10;

export interface ResumePoint {
  request: PageRequest;
  pages: number;
  records: number;
  recordsPath?: string | null | undefined;
}

export async function* paginate(options: LoopOptions): AsyncGenerator<LoopPage> {
  const { paginator, fetchPage, maxPages, maxItems, logger } = options;
  const { resume } = options;
  if (resume) paginator.resume?.(resume.request, resume);
  let request: PageRequest | null = resume ? resume.request : paginator.first(options.request);
  let location: string | null | undefined = resume?.recordsPath;
  let index = resume?.pages ?? 0;
  let items = resume?.records ?? 0;

  // One page of read-ahead: the next request is known as soon as a page is parsed, so it goes out
  // before the consumer gets the page. While the consumer writes page N, the server is already
  // producing page N+1. Never past a limit, a loop error or the last page, so no extra request is
  // made on a pull that runs to its end; a consumer that stops early leaves that one request (and
  // any predicted ones) behind, which `readAhead: false` avoids.
  let ahead: Promise<Settled> | undefined;
  // Predicted pages already asked for, by request; used only when next() asks for exactly that one.
  const prefetched = new Map<string, Promise<Settled>>();
  let misses = 0;
  let emptyRun = 0;
  const maxEmpty = options.maxEmptyPages ?? DEFAULT_MAX_EMPTY_PAGES;
  const readAhead = options.readAhead !== false;
  const window = () => {
    const c = typeof options.concurrency === "function" ? options.concurrency() : (options.concurrency ?? 1);
    return Math.max(1, Math.floor(c));
  };
  while (request) {
    const fetched = ahead ? unwrap(await ahead) : await fetchPage(request);
    ahead = undefined;
    let records: unknown[];
    if (options.extract) records = options.extract(fetched.data);
    else {
      const found = location === undefined ? locateRecords(fetched.data, options.dataPath) : location;
      const arrays = found === null && paginator.strategy !== "none" ? arrayKeys(fetched.data) : undefined;
      if (arrays && arrays.length > 1) {
        // Guessing here would page through the wrong thing, or treat a whole body as one record.
        throw new PaginationError(
          `cannot tell which array holds the records (${arrays.join(", ")}): pass dataPath, e.g. dataPath: "${arrays[0]}"`,
          { url: fetched.url, pages: index + 1, recordsFetched: items },
        );
      }
      if (arrays && arrays.length === 0 && isObject(fetched.data)) {
        // A paginated page without any array ({ data: null }) holds no records; look again next page.
        records = [];
      } else {
        location = found;
        records = recordsAt(fetched.data, location);
      }
    }

    let next: PageRequest | null = null;
    let loopError: PaginationError | undefined;
    try {
      next = paginator.next(
        { status: fetched.status, headers: fetched.headers, data: fetched.data, records },
        request,
      );
    } catch (error) {
      if (!(error instanceof PaginationError)) throw error;
      loopError = withCounts(error, fetched.url, index + 1, items + records.length);
    }
    emptyRun = records.length === 0 && next !== null ? emptyRun + 1 : 0;
    if (emptyRun >= maxEmpty) {
      loopError = counted(
        `${emptyRun} empty pages in a row, each pointing to another page; stopping rather than following them further (raise maxEmptyPages if this API really does that)`,
        { url: fetched.url, pages: index + 1, recordsFetched: items + records.length },
      );
      next = null;
    }

    // A limit reached ends the pull even where the paginator would have failed on the next step.
    let truncated = false;
    let limited = false;
    const more = next !== null || loopError !== undefined;
    if (maxItems !== undefined && items + records.length >= maxItems) {
      if (items + records.length > maxItems) {
        records = records.slice(0, maxItems - items);
        truncated = true;
      }
      truncated ||= more;
      limited = true;
    }
    if (maxPages !== undefined && index + 1 >= maxPages) {
      truncated ||= more;
      limited = true;
    }
    items += records.length;
    const limit =
      maxItems !== undefined && items >= maxItems ? `maxItems (${maxItems})` : `maxPages (${maxPages})`;
    const raise = truncated && options.onLimit === "raise";
    if (truncated && !raise) {
      logger?.warn(
        `stopped at ${limit} after ${index + 1} pages and ${items} records; the API has more (the result is marked truncated; onLimit: "raise" makes this an error)`,
      );
    }
    if (readAhead && !limited && !loopError && next !== null) {
      const key = requestKey(next);
      const hit = prefetched.get(key);
      if (hit) prefetched.delete(key);
      else if (prefetched.size > 0) {
        // The listing did not go as predicted (a short page, a changed total): drop the guesses, and
        // after two such misses stop guessing for this pull.
        prefetched.clear();
        misses += 1;
      }
      ahead = hit ?? settle(fetchPage(next));
      const room = Math.min(window() - 1, pagesLeft(maxPages, index + 2));
      if (paginator.predict && room > 0 && misses < 2) {
        for (const guess of paginator.predict(next, room)) {
          const k = requestKey(guess);
          if (!prefetched.has(k)) prefetched.set(k, settle(fetchPage(guess)));
        }
      }
    }
    yield {
      records,
      index,
      status: fetched.status,
      headers: fetched.headers,
      url: fetched.url,
      bytes: fetched.bytes,
      last: limited || next === null,
      truncated,
      next: limited ? null : next,
      recordsPath: location,
    };
    if (raise) {
      throw new PaginationError(
        `${limit} reached after ${index + 1} pages and ${items} records, and the API has more (onLimit: "raise"): raise the limit, narrow the listing with params, or leave onLimit out to keep what came`,
        { url: fetched.url, pages: index + 1, recordsFetched: items },
      );
    }
    if (limited) return;
    if (loopError) throw loopError;
    if (next === null) return;
    request = next;
    index += 1;
  }
}

/**
 * A paginator's PaginationError with the loop's counts and the page's redacted URL: the loop owns the
 * counts, so paginators (built-in or a user's) throw without them. An error that already carries its
 * own (pages > 0: next() only runs once a page has come, so a real count is never 0) and a URL is
 * passed on as thrown; otherwise the original stays reachable as `cause`, since it may be a subclass
 * with fields of its own.
 */
function withCounts(error: PaginationError, url: string, pages: number, records: number): PaginationError {
  if (error.pages === 0) {
    return counted(error.message, { url: error.url ?? url, pages, recordsFetched: records, cause: error });
  }
  if (error.url !== undefined) return error;
  const { message, recordsFetched } = error;
  return new PaginationError(message, { url, pages: error.pages, recordsFetched, cause: error });
}

/** The message says how far the pull got, as the fields do, for logs that keep only the message. */
function counted(
  message: string,
  context: PaginationErrorContext & { pages: number; recordsFetched: number },
): PaginationError {
  return new PaginationError(
    `${message} (after ${context.pages} pages and ${context.recordsFetched} records)`,
    context,
  );
}

type Settled = { ok: true; page: FetchedPage } | { ok: false; error: unknown };

/** Holds a request's outcome so a failure while nobody awaits it is not an unhandled rejection. */
function settle(promise: Promise<FetchedPage>): Promise<Settled> {
  return promise.then(
    (page) => ({ ok: true, page }),
    (error: unknown) => ({ ok: false, error }),
  );
}

function unwrap(settled: Settled): FetchedPage {
  if (settled.ok) return settled.page;
  throw settled.error;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function arrayKeys(data: unknown): string[] {
  return isObject(data) ? Object.keys(data).filter((k) => Array.isArray(data[k])) : [];
}

function requestKey(request: PageRequest): string {
  const body = request.body === undefined ? "" : toJson(request.body);
  return `${request.method} ${request.url.href} ${body}`;
}

/** Pages still allowed after `used` ones, under maxPages. */
function pagesLeft(maxPages: number | undefined, used: number): number {
  return maxPages === undefined ? Number.POSITIVE_INFINITY : Math.max(0, maxPages - used);
}
