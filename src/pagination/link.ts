// Next-URL pagination: the next page's full URL comes from the Link header (rel="next"), or from the
// body at nextUrlPath (Salesforce nextRecordsUrl, OData @odata.nextLink, "next" fields).
import { headerValue } from "../base/index.js";
import { PaginationError } from "../errors.js";
import { findLink } from "../http/index.js";
import { getPath } from "./paths.js";
import type { PageRequest, PageResponse, Paginator, ResolvedPagination } from "./types.js";

export class LinkPaginator implements Paginator {
  readonly strategy = "link";
  readonly #seen = new Set<string>();

  constructor(private readonly config: ResolvedPagination) {}

  first(request: PageRequest): PageRequest {
    this.#seen.add(request.url.toString());
    if (this.config.pageSize !== undefined) {
      const first = { ...request, url: new URL(request.url) };
      first.url.searchParams.set(this.config.limitParam, String(this.config.pageSize));
      return first;
    }
    return request;
  }

  resume(request: PageRequest): void {
    this.#seen.add(request.url.toString());
  }

  next(response: PageResponse, request: PageRequest): PageRequest | null {
    let next: string | undefined;
    if (this.config.nextUrlPath) {
      const value = getPath(response.data, this.config.nextUrlPath);
      if (typeof value === "string" && value !== "") next = value;
    } else {
      next = findLink(headerValue(response.headers, "link"), "next", request.url.toString());
    }
    if (next === undefined) return null;
    let url: URL;
    try {
      url = new URL(next, request.url);
    } catch {
      throw new PaginationError(`the next-page URL ${JSON.stringify(next.slice(0, 120))} is not a valid URL`);
    }
    const key = url.toString();
    if (this.#seen.has(key)) {
      throw new PaginationError("the next-page URL came back a second time; stopping to avoid a loop");
    }
    this.#seen.add(key);
    return { method: request.method, url, body: request.body };
  }
}
