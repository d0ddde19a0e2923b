// Page-number pagination. Ends on an empty page, at totalPages, or once the total is reached. maxItems
// is not pushed into the page size here (that would change which records a page holds); the loop
// truncates the last page instead. An empty page before the announced end is an error, never an end;
// a total that the records already outnumber is ignored.
import { PaginationError } from "../errors.js";
import { readTotal, toNumber } from "./meta.js";
import { getPath } from "./paths.js";
import {
  cloneRequest,
  DEFAULT_PAGE_SIZE,
  type PageRequest,
  type PageResponse,
  type Paginator,
  type ResolvedPagination,
} from "./types.js";

export class PagePaginator implements Paginator {
  readonly strategy = "page";
  #page: number;
  /** Records received, held against the total (state, set again only by resume()). */
  #items = 0;
  #sendSize = true;
  #lastPage: number | undefined;
  #total: number | undefined;
  #received = 0;
  /** The API sent more records than its total said: the total is ignored from then on. */
  #totalWrong = false;
  /** The API sent records on a page past its page count: the count is ignored from then on. */
  #pagesWrong = false;

  constructor(private readonly config: ResolvedPagination) {
    this.#page = config.startPage;
  }

  first(request: PageRequest): PageRequest {
    return this.#at(request);
  }

  next(response: PageResponse, request: PageRequest): PageRequest | null {
    const received = response.records.length;
    this.#items += received;
    let lastPage: number | undefined;
    if (this.config.totalPagesPath && !this.#pagesWrong) {
      const totalPages = toNumber(getPath(response.data, this.config.totalPagesPath));
      // Pages count from startPage; with startPage 0 the last page is totalPages - 1.
      lastPage = totalPages === undefined ? undefined : totalPages - 1 + Math.min(this.config.startPage, 1);
      // Records on a page past the last one the API counts: the count is wrong, the pages tell.
      if (lastPage !== undefined && this.#page > lastPage && received > 0) {
        this.#pagesWrong = true;
        lastPage = undefined;
      }
    }
    let total = readTotal(response, this.config.totalPath);
    if (total !== undefined && (this.#totalWrong || this.#items > total)) {
      this.#totalWrong = true;
      total = undefined;
    }
    this.#lastPage = lastPage;
    this.#total = total;
    if (received === 0) {
      // The last page an API counts holds records, unless it is the first (an empty listing).
      const promised =
        lastPage !== undefined &&
        (this.#page < lastPage || (this.#page === lastPage && this.#page > this.config.startPage))
          ? `its last page is ${lastPage}`
          : total !== undefined && this.#items < total
            ? `its total says ${total} records and ${this.#items} came`
            : undefined;
      if (promised) {
        throw new PaginationError(
          `page ${this.#page} came back empty, but ${promised}: the API's count is wrong or records were removed during the pull`,
        );
      }
      return null;
    }
    this.#received = received;
    if (lastPage !== undefined && this.#page >= lastPage) return null;
    if (total !== undefined && this.#items >= total) return null;
    const asked = this.config.pageSize ?? DEFAULT_PAGE_SIZE;
    if (this.config.stopOnShortPage && received < asked) return null;
    this.#page += 1;
    return this.#at(request);
  }

  resume(request: PageRequest, counts: { pages: number; records: number }): void {
    const page = Number(request.url.searchParams.get(this.config.pageParam));
    this.#page = Number.isFinite(page) ? page : this.config.startPage + counts.pages;
    this.#items = counts.records;
    this.#sendSize = request.url.searchParams.has(this.config.limitParam);
  }

  predict(request: PageRequest, count: number): PageRequest[] {
    const out: PageRequest[] = [];
    const size = this.#received || this.config.pageSize || DEFAULT_PAGE_SIZE;
    // Without a known end every guess past it is a wasted request: read one page ahead only.
    if (this.#lastPage === undefined && this.#total === undefined) return out;
    for (let i = 1; i <= count; i++) {
      const page = this.#page + i;
      if (this.#lastPage !== undefined && page > this.#lastPage) break;
      // Pages before `page` hold #items + size * i records if full; none is needed past the total.
      if (this.#total !== undefined && this.#items + size * i >= this.#total) break;
      const next = cloneRequest(request);
      next.url.searchParams.set(this.config.pageParam, String(page));
      out.push(next);
    }
    return out;
  }

  #at(request: PageRequest): PageRequest {
    const next = cloneRequest(request);
    next.url.searchParams.set(this.config.pageParam, String(this.#page));
    if (this.#sendSize)
      next.url.searchParams.set(this.config.limitParam, String(this.config.pageSize ?? DEFAULT_PAGE_SIZE));
    return next;
  }
}
