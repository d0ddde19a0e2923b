// The client-wide concurrency budget as an interceptor: every request through the dispatcher (the
// facade's pages and read-ahead, fetchMany, fetch() or undici.request with `client.dispatcher`)
// holds one slot of the adaptive limiter from dispatch until its response ends or fails. A response
// that comes back while the server's headroom is nearly spent, or a final 429, halves the budget;
// healthy ones grow it back (limiter.ts). Retried 429s and rate-limit waits halve it through the
// observer (dispatcher.ts).
import type { Dispatcher } from "undici";
import { contextOf } from "../context.js";
import type { AdaptiveLimiter } from "../limiter.js";
import type { RateLimitState } from "../rate-limit-state.js";
import { forward } from "./forward.js";
import { dispatchWhenReady } from "./proxy-controller.js";

/** Headroom at or below this share of the window's limit counts as nearly spent. */
const LOW_HEADROOM = 0.1;

export function concurrencyInterceptor(
  limiter: AdaptiveLimiter,
  state: RateLimitState,
): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    // A token request is sent from inside a request that already holds a slot: it must not wait for
    // another, or a budget of one would deadlock.
    if (contextOf(opts)?.skipAuth) return dispatch(opts, handler);
    let held = false;
    let cancelled = false;
    const free = () => {
      if (!held) return;
      held = false;
      limiter.release();
    };
    let status = 0;
    const releasing = forward(handler, {
      onResponseStart: (c, code, headers, message) => {
        status = code;
        return handler.onResponseStart?.(c, code, headers, message);
      },
      onResponseEnd: (c, trailers) => {
        free();
        judge(limiter, state, status);
        return handler.onResponseEnd?.(c, trailers);
      },
      onResponseError: (c, error) => {
        free();
        return handler.onResponseError?.(c, error);
      },
    });
    if (limiter.tryAcquire()) {
      held = true;
      return dispatch(opts, releasing);
    }
    const ticket = limiter.wait();
    const ready = ticket.granted.then(() => {
      if (!cancelled) held = true;
      return opts;
    });
    return dispatchWhenReady(dispatch, releasing, ready, () => {
      cancelled = true;
      if (held) free();
      else ticket.cancel();
    });
  };
}

/** What a finished response says about the budget. */
function judge(limiter: AdaptiveLimiter, state: RateLimitState, status: number): void {
  if (status === 429) {
    limiter.throttle();
    return;
  }
  if (status < 200 || status >= 400) return;
  const { limit, remaining } = state.headroom;
  if (limit !== undefined && remaining !== undefined && remaining <= limit * LOW_HEADROOM) limiter.throttle();
  else limiter.healthy();
}
