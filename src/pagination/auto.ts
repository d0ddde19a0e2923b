// The `auto` strategy: sends the first request as given, detects the strategy from its response,
// then hands over to that strategy as if it had planned the first page itself.
import type { Logger } from "../http/index.js";
import { currentPage, detectPagination } from "./detect.js";
import { fixedPaginator } from "./fixed.js";
import {
  cloneRequest,
  type DetectedPagination,
  type PageRequest,
  type PageResponse,
  type Paginator,
  type ResolvedPagination,
} from "./types.js";

export class AutoPaginator implements Paginator {
  #delegate: Paginator | undefined;
  #detected: DetectedPagination | undefined;

  constructor(
    private readonly config: ResolvedPagination,
    private readonly logger?: Logger,
  ) {}

  get strategy(): string {
    return this.#delegate ? `auto:${this.#delegate.strategy}` : "auto";
  }

  /** Read-only from outside: what the pull settled on is this paginator's finding, not a setting. */
  get detected(): DetectedPagination | undefined {
    return this.#detected;
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
    this.#detected = detected;
    this.logger?.info(`pagination auto: chose ${detected.strategy} (${detected.reason})`);
    const config = { ...this.config, ...detected.settings };
    const delegate = fixedPaginator(detected.strategy, config);
    // The first page went out as given, not as the delegate would have planned it. resume() (the
    // contract's way to start a paginator mid-pull) with the request it would have sent for that page
    // and nothing counted yet sets the delegate up as if it had: no priming methods beside the contract.
    delegate.resume?.(asPlanned(detected.strategy, config, request, response), { pages: 0, records: 0 });
    this.#delegate = delegate;
    return delegate.next(response, request);
  }
}

/**
 * The first request as the detected strategy would have sent it, for resume() to read its state from.
 * Offset: the page size is what the server chose for that page (no limit was sent), unless pageSize
 * is set. Page: the page number the body names, and a size parameter only when pageSize is set, so
 * without one the server's default size stays in force.
 */
function asPlanned(
  strategy: DetectedPagination["strategy"],
  config: ResolvedPagination,
  request: PageRequest,
  response: PageResponse,
): PageRequest {
  if (strategy !== "offset" && strategy !== "page") return request;
  const planned = cloneRequest(request);
  const { searchParams } = planned.url;
  if (strategy === "offset") {
    const size = response.records.length;
    if (config.pageSize === undefined && size > 0) searchParams.set(config.limitParam, String(size));
    else searchParams.delete(config.limitParam);
  } else {
    searchParams.set(config.pageParam, String(currentPage(response.data) ?? config.startPage));
    if (config.pageSize === undefined) searchParams.delete(config.limitParam);
    else searchParams.set(config.limitParam, String(config.pageSize));
  }
  return planned;
}
