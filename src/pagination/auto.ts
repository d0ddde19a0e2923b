// The `auto` strategy: sends the first request as given, detects the strategy from its response,
// then hands over to that strategy as if it had planned the first page itself.
import type { Logger } from "../http/index.js";
import { CursorPaginator } from "./cursor.js";
import { currentPage, type DetectedPagination, detectPagination } from "./detect.js";
import { LinkPaginator } from "./link.js";
import { NoPaginator } from "./none.js";
import { OffsetPaginator } from "./offset.js";
import { PagePaginator } from "./page-number.js";
import type { PageRequest, PageResponse, Paginator, ResolvedPagination } from "./types.js";

export class AutoPaginator implements Paginator {
  #delegate: Paginator | undefined;
  detected: DetectedPagination | undefined;

  constructor(
    private readonly config: ResolvedPagination,
    private readonly logger?: Logger,
  ) {}

  get strategy(): string {
    return this.#delegate ? `auto:${this.#delegate.strategy}` : "auto";
  }

  first(request: PageRequest): PageRequest {
    return request;
  }

  predict(request: PageRequest, count: number): PageRequest[] {
    return this.#delegate?.predict?.(request, count) ?? [];
  }

  next(response: PageResponse, request: PageRequest): PageRequest | null {
    if (this.#delegate) return this.#delegate.next(response, request);
    const detected = detectPagination(response, request.url);
    this.detected = detected;
    this.logger?.info(`pagination auto: chose ${detected.strategy} (${detected.reason})`);
    const config = { ...this.config, ...detected.settings };
    switch (detected.strategy) {
      case "offset": {
        const offset = new OffsetPaginator(config);
        offset.primeAfter(response.records.length);
        this.#delegate = offset;
        break;
      }
      case "page": {
        const page = new PagePaginator(config);
        page.primeAfter(currentPage(response.data) ?? config.startPage);
        this.#delegate = page;
        break;
      }
      case "cursor":
        this.#delegate = new CursorPaginator(config);
        break;
      case "link": {
        const link = new LinkPaginator(config);
        link.first(request);
        this.#delegate = link;
        break;
      }
      case "none":
        this.#delegate = new NoPaginator();
        break;
    }
    return this.#delegate.next(response, request);
  }
}
