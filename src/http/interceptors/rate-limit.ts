// The rate-limit gate: learns the server's headroom from every response and holds requests while it
// is spent (until the reset), and enforces the optional client-side requests-per-second limit.
import { setTimeout as delay } from "node:timers/promises";
import type { Dispatcher } from "undici";
import { firstHeaderValue, type Redactor } from "../../base/index.js";
import { RateLimitError } from "../../errors.js";
import { urlOf } from "../context.js";
import type { Observer } from "../events.js";
import type { RateGate } from "../rate-gate.js";
import type { RateLimitState } from "../rate-limit-state.js";
import { parseRetryAfter } from "../retry-after.js";
import type { TokenBucket } from "../token-bucket.js";
import { forward } from "./forward.js";
import { dispatchWhenReady } from "./proxy-controller.js";

export interface RateLimitInterceptorOptions {
  state: RateLimitState;
  bucket?: TokenBucket | undefined;
  observer: Observer;
  redactor: Redactor;
  /** A Retry-After longer than this is not waited for, by this request (retry.ts) or any later one. */
  maxRetryAfterMs?: number | undefined;
  /** A gate shared with other clients (the cluster's Redis budget): passed after the local waits, told of every server-asked pause. */
  gate?: RateGate | undefined;
}

export function rateLimitInterceptor(
  options: RateLimitInterceptorOptions,
): Dispatcher.DispatcherComposeInterceptor {
  const { state, bucket, observer, redactor, maxRetryAfterMs, gate } = options;
  // A Retry-After too long to wait for fails its own request (retry.ts). While what is left of it is
  // still too long, later requests fail the same way here: the state learned that wait too, and would
  // otherwise hold each of them for it (up to its 15-minute cap).
  const refusal = { untilMs: 0, status: 429 };
  return (dispatch) => (opts, handler) => {
    const learning = forward(handler, {
      onResponseStart: (c, status, headers, message) => {
        state.ingest(headers);
        const afterMs =
          status === 429 || status === 503
            ? parseRetryAfter(firstHeaderValue(headers, "retry-after"))
            : undefined;
        if (gate) {
          if (afterMs !== undefined && afterMs > 0) gate.pause(afterMs);
          else if (status === 429) gate.pause(1_000);
          else if (state.shouldThrottle()) gate.pause(state.sleepDuration());
        }
        if (maxRetryAfterMs !== undefined && afterMs !== undefined && afterMs > maxRetryAfterMs) {
          refusal.untilMs = Math.max(refusal.untilMs, Date.now() + afterMs);
          refusal.status = status;
        }
        return handler.onResponseStart?.(c, status, headers, message);
      },
    });

    const refusedForMs = refusal.untilMs - Date.now();
    // A day's budget that is spent fails requests at once too, rather than hold them for hours.
    const spent = state.exhausted();
    if ((maxRetryAfterMs !== undefined && refusedForMs > maxRetryAfterMs) || spent) {
      const method = (opts.method ?? "GET").toUpperCase();
      const url = redactor.redactUrl(urlOf(opts));
      const retryAfterMs = spent ? undefined : refusedForMs;
      const why = spent
        ? spent.reason
        : `the server asked to wait ${Math.ceil(refusedForMs / 1000)} s more (Retry-After), longer than maxRetryAfterMs (${maxRetryAfterMs} ms)`;
      const error = new RateLimitError(`${method} ${url} was not sent: ${why}`, {
        status: spent ? 429 : refusal.status,
        method,
        url,
        retryAfterMs,
      });
      const refused = Promise.reject(error);
      // Handled by dispatchWhenReady, unless the caller aborted before it got to listen.
      refused.catch(() => undefined);
      return dispatchWhenReady(dispatch, handler, refused);
    }

    let waitMs = 0;
    let reason = "";
    if (state.shouldThrottle()) {
      waitMs = state.sleepDuration();
      reason = "the server's rate-limit headroom is spent until its reset";
    }
    const slot = bucket?.reserve() ?? 0;
    if (slot > waitMs) {
      waitMs = slot;
      reason = "client-side rateLimit";
    }
    if (waitMs <= 0 && !gate) return dispatch(opts, learning);

    if (waitMs > 0) {
      const headroom = state.headroom;
      observer.rateLimit({
        method: (opts.method ?? "GET").toUpperCase(),
        url: redactor.redactUrl(urlOf(opts)),
        waitMs,
        reason,
        ...(headroom.remaining !== undefined ? { remaining: headroom.remaining } : {}),
        ...(headroom.limit !== undefined ? { limit: headroom.limit } : {}),
      });
    }
    // The local wait, then (with a shared gate) the gate; an abort during either cancels both.
    const cancel = new AbortController();
    const ready = (async () => {
      if (waitMs > 0) await delay(waitMs, undefined, { signal: cancel.signal });
      await gate?.acquire(cancel.signal);
      return opts;
    })();
    ready.catch(() => undefined);
    return dispatchWhenReady(dispatch, learning, ready, () => cancel.abort(new Error("aborted")));
  };
}
