// Retries failed attempts with full-jitter backoff or the server's Retry-After. Decisions come from
// retry-policy.ts; this file only runs the attempts, waits (cancellably) and hands on the final outcome.
import type { Dispatcher } from "undici";
import type { IncomingHttpHeaders } from "undici/types/header.js";
import { firstHeaderValue, type Redactor } from "../../base/index.js";
import type { RetryConfig } from "../../config/index.js";
import { contextOf, type RequestContext, urlOf } from "../context.js";
import type { Observer } from "../events.js";
import { hasRequestHeader } from "../request-headers.js";
import { parseRetryAfter } from "../retry-after.js";
import { backoffDelay, decideRetry, toTransportError } from "../retry-policy.js";
import { ResentRequest } from "./resent-request.js";

export interface RetryInterceptorOptions {
  retry: RetryConfig;
  observer: Observer;
  redactor: Redactor;
  random?: () => number;
}

/** Drained bodies of retried responses larger than this are cut off instead of read. */
const MAX_DRAIN_BYTES = 256 * 1024;

export function retryInterceptor(options: RetryInterceptorOptions): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    new RetryingRequest(dispatch, opts, handler, options).start();
    return true;
  };
}

class RetryingRequest extends ResentRequest implements Dispatcher.DispatchHandler {
  readonly #context: RequestContext | undefined;
  readonly #method: string;
  readonly #idempotencyKey: boolean;
  #attempt = 0;
  #waitedMs = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Set when the current response is being drained before a retry. */
  #pendingRetry: { waitMs: number; reason: string; status: number } | undefined;
  #drained = 0;
  /** The final response, held back while bodies are buffered. */
  #held: { status: number; headers: IncomingHttpHeaders; message: string | undefined } | undefined;
  #chunks: Buffer[] = [];
  #streaming = false;

  constructor(
    dispatch: Dispatcher.Dispatch,
    opts: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
    private readonly options: RetryInterceptorOptions,
  ) {
    super(dispatch, opts, handler);
    this.#context = contextOf(opts);
    this.#method = (opts.method ?? "GET").toUpperCase();
    this.#idempotencyKey = hasRequestHeader(opts.headers, "idempotency-key");
  }

  protected begin(): void {
    this.#dispatchAttempt();
  }

  #dispatchAttempt(): void {
    this.#attempt += 1;
    if (this.#context) this.#context.attempts = this.#attempt;
    this.#pendingRetry = undefined;
    this.#drained = 0;
    this.#chunks = [];
    try {
      this.dispatch(this.opts, this);
    } catch (error) {
      this.#fail(error);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.proxy.attach(controller);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
    message?: string,
  ): void {
    if (status < 200) return;
    const decision = decideRetry({
      method: this.#method,
      status,
      idempotencyKey: this.#idempotencyKey,
      replayable: this.replayable,
      statusCodes: this.options.retry.statusCodes,
    });
    if (decision.retry) {
      const waitMs = this.#planWait(status, headers);
      if (waitMs !== undefined) {
        this.#pendingRetry = { waitMs, reason: decision.reason, status };
        return;
      }
    }
    if (this.#context?.bufferBody) {
      this.#held = { status, headers, message };
      return;
    }
    this.#streaming = true;
    this.handler.onResponseStart?.(this.proxy, status, headers, message);
    void controller;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#pendingRetry) {
      this.#drained += chunk.length;
      if (this.#drained > MAX_DRAIN_BYTES)
        controller.abort(new Error("retried response body too large to drain"));
      return;
    }
    if (this.#held) {
      this.#chunks.push(chunk);
      return;
    }
    this.handler.onResponseData?.(this.proxy, chunk);
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    if (this.#pendingRetry) {
      this.#scheduleRetry(this.#pendingRetry);
      return;
    }
    this.settled = true;
    this.proxy.detach();
    const held = this.#held;
    if (held) {
      this.handler.onResponseStart?.(this.proxy, held.status, held.headers, held.message);
      // The held chunks go on as they came: joining them here would copy every page once more.
      const chunks = this.#chunks;
      this.#chunks = [];
      for (const chunk of chunks) this.handler.onResponseData?.(this.proxy, chunk);
    }
    this.handler.onResponseEnd?.(this.proxy, trailers);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.settled) return;
    if (this.proxy.aborted) {
      this.finishWithError(error);
      return;
    }
    if (this.#pendingRetry) {
      // The retried response failed while being drained; the retry stands.
      this.#scheduleRetry(this.#pendingRetry);
      return;
    }
    if (!this.#streaming) {
      const decision = decideRetry({
        method: this.#method,
        error,
        idempotencyKey: this.#idempotencyKey,
        replayable: this.replayable,
        statusCodes: this.options.retry.statusCodes,
      });
      if (decision.retry) {
        const waitMs = this.#planWait(undefined, undefined);
        if (waitMs !== undefined) {
          this.#held = undefined;
          this.#scheduleRetry({ waitMs, reason: decision.reason, status: 0 });
          return;
        }
      }
    }
    this.#fail(error);
  }

  /** The wait before the next attempt, or undefined when retries (or their time budget) are spent. */
  #planWait(status: number | undefined, headers: IncomingHttpHeaders | undefined): number | undefined {
    const retry = this.options.retry;
    if (this.#attempt > retry.maxRetries) return undefined;
    let waitMs: number | undefined;
    if (headers && (status === 429 || status === 503)) {
      const afterMs = parseRetryAfter(firstHeaderValue(headers, "retry-after"));
      if (afterMs !== undefined) {
        // Waiting less than the server asked only earns another 429; too long a wait is a failure.
        if (afterMs > retry.maxRetryAfterMs) return undefined;
        waitMs = afterMs;
      }
    }
    waitMs ??= backoffDelay(this.#attempt, retry, this.options.random);
    if (retry.maxTotalWaitMs !== undefined && this.#waitedMs + waitMs > retry.maxTotalWaitMs)
      return undefined;
    return waitMs;
  }

  #scheduleRetry(plan: { waitMs: number; reason: string; status: number }): void {
    this.proxy.detach();
    this.#pendingRetry = undefined;
    this.#waitedMs += plan.waitMs;
    if (this.#context) this.#context.waitedMs += plan.waitMs;
    this.options.observer.retry({
      method: this.#method,
      url: this.options.redactor.redactUrl(urlOf(this.opts)),
      attempt: this.#attempt,
      maxAttempts: this.options.retry.maxRetries + 1,
      waitMs: plan.waitMs,
      reason: plan.reason,
      ...(plan.status ? { status: plan.status } : {}),
    });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.proxy.aborted) this.#dispatchAttempt();
    }, plan.waitMs);
  }

  /** An abort during the wait before a retry cancels the retry. */
  protected override abortedBetweenAttempts(reason: Error): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.finishWithError(reason);
  }

  #fail(error: unknown): void {
    const typed =
      this.proxy.aborted || (error as { name?: string })?.name === "AbortError"
        ? error
        : toTransportError(error, {
            method: this.#method,
            url: this.options.redactor.redactUrl(urlOf(this.opts)),
            attempts: this.#attempt,
          });
    this.finishWithError(typed instanceof Error ? typed : new Error(String(typed)));
  }
}
