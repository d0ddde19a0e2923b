// Offset/limit pagination. The offset advances by the records actually received (servers that cap
// the page size must not make us skip records), and the pull ends on an empty page or at the total.
// A total is trusted only while the pages agree with it: an empty page before it is an error, and
// more records than it announced mean it is wrong, so the pull goes on to the empty page instead.
import { PaginationError } from "../errors.js";
import { readTotal } from "./meta.js";
import {
  cloneRequest,
  DEFAULT_PAGE_SIZE,
  type PageRequest,
  type PageResponse,
  type Paginator,
  type ResolvedPagination,
} from "./types.js";

export class OffsetPaginator implements Paginator {
  readonly strategy = "offset";
  #offset = 0;
  /** Records received: what maxItems still allows on the next page (state, set again only by resume()). */
  #items = 0;
  #lastLimit = 0;
  /** Records per page as the server actually sends them (it may cap what we ask for). */
  #step = 0;
  #total: number | undefined;
  /** The API sent more records than its total said: the total is ignored from then on. */
  #totalWrong = false;

  constructor(private readonly config: ResolvedPagination) {}

  first(request: PageRequest): PageRequest {
    return this.#at(request, this.#offset);
  }

  next(response: PageResponse, request: PageRequest): PageRequest | null {
    const received = response.records.length;
    this.#items += received;
    const total = this.#trusted(readTotal(response, this.config.totalPath), received);
    this.#total = total;
    if (received === 0) {
      if (total !== undefined && this.#offset < total) {
        throw new PaginationError(
          `an empty page came at offset ${this.#offset}, but the API's total says ${total} records: the total is wrong or records were removed during the pull`,
        );
      }
      return null;
    }
    this.#offset += received;
    this.#step = received;
    if (total !== undefined && this.#offset >= total) return null;
    if (this.config.stopOnShortPage && received < this.#lastLimit) return null;
    return this.#at(request, this.#offset);
  }

  /** The total, unless the records already received outnumber it (then it is ignored for the pull). */
  #trusted(total: number | undefined, received: number): number | undefined {
    if (this.#totalWrong || total === undefined) return undefined;
    if (this.#offset + received > total) {
      this.#totalWrong = true;
      return undefined;
    }
    return total;
  }

  predict(request: PageRequest, count: number): PageRequest[] {
    const out: PageRequest[] = [];
    const step = this.#step || this.#lastLimit;
    const pageSize = this.config.pageSize ?? (this.#lastLimit || DEFAULT_PAGE_SIZE);
    // Without a known total every guess past the end is a wasted request: read one page ahead only.
    if (step <= 0 || this.#total === undefined) return out;
    for (let i = 1; i <= count; i++) {
      const offset = this.#offset + step * i;
      if (this.#total !== undefined && offset >= this.#total) break;
      // The same limit #at() will ask for then, maxItems included.
      const items = this.#items + step * i;
      const limit =
        this.config.maxItems === undefined ? pageSize : Math.min(pageSize, this.config.maxItems - items);
      if (limit <= 0) break;
      const next = cloneRequest(request);
      next.url.searchParams.set(this.config.offsetParam, String(offset));
      next.url.searchParams.set(this.config.limitParam, String(limit));
      out.push(next);
    }
    return out;
  }

  resume(request: PageRequest, counts: { pages: number; records: number }): void {
    const offset = Number(request.url.searchParams.get(this.config.offsetParam));
    this.#offset = Number.isFinite(offset) ? offset : counts.records;
    this.#items = counts.records;
    const limit = Number(request.url.searchParams.get(this.config.limitParam));
    if (Number.isFinite(limit) && limit > 0) this.#lastLimit = limit;
  }

  #at(request: PageRequest, offset: number): PageRequest {
    const next = cloneRequest(request);
    const pageSize = this.config.pageSize ?? (this.#lastLimit || DEFAULT_PAGE_SIZE);
    // With maxItems, the last request asks only for what is still wanted.
    const remaining = this.config.maxItems === undefined ? pageSize : this.config.maxItems - this.#items;
    this.#lastLimit = Math.max(1, Math.min(pageSize, remaining));
    next.url.searchParams.set(this.config.offsetParam, String(offset));
    next.url.searchParams.set(this.config.limitParam, String(this.#lastLimit));
    return next;
  }
}
