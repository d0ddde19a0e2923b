// Offset/limit pagination. The offset advances by the records actually received (servers that cap
// the page size must not make us skip records), and the pull ends on an empty page or at the total.
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
  #items = 0;
  #lastLimit = 0;

  constructor(private readonly config: ResolvedPagination) {}

  first(request: PageRequest): PageRequest {
    return this.#at(request, this.#offset);
  }

  next(response: PageResponse, request: PageRequest): PageRequest | null {
    const received = response.records.length;
    this.#items += received;
    if (received === 0) return null;
    this.#offset += received;
    const total = readTotal(response, this.config.totalPath);
    if (total !== undefined && this.#offset >= total) return null;
    if (this.config.stopOnShortPage && received < this.#lastLimit) return null;
    return this.#at(request, this.#offset);
  }

  /** Resumes after a first page that was sent without pagination parameters (auto-detection). */
  primeAfter(firstPageSize: number): void {
    if (this.config.pageSize === undefined && firstPageSize > 0) this.#lastLimit = firstPageSize;
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
