// The rate-limit gate: learns the server's headroom from every response and holds requests while it
// is spent (until the reset), and enforces the optional client-side requests-per-second limit.
import type { Dispatcher } from "undici";
import { urlOf } from "../context.js";
import type { Observer } from "../events.js";
import type { RateLimitState } from "../rate-limit-state.js";
import type { Redactor } from "../redact.js";
import type { TokenBucket } from "../token-bucket.js";
import { forward } from "./forward.js";
import { dispatchWhenReady } from "./proxy-controller.js";

export interface RateLimitInterceptorOptions {
  state: RateLimitState;
  bucket?: TokenBucket | undefined;
  observer: Observer;
  redactor: Redactor;
}

export function rateLimitInterceptor(
  options: RateLimitInterceptorOptions,
): Dispatcher.DispatcherComposeInterceptor {
  const { state, bucket, observer, redactor } = options;
  return (dispatch) => (opts, handler) => {
    const learning = forward(handler, {
      onResponseStart: (c, status, headers, message) => {
        state.ingest(headers as Record<string, string | string[] | undefined>);
        return handler.onResponseStart?.(c, status, headers, message);
      },
    });

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
    if (waitMs <= 0) return dispatch(opts, learning);

    const headroom = state.headroom;
    observer.rateLimit({
      method: (opts.method ?? "GET").toUpperCase(),
      url: redactor.redactUrl(urlOf(opts)),
      waitMs,
      reason,
      ...(headroom.remaining !== undefined ? { remaining: headroom.remaining } : {}),
      ...(headroom.limit !== undefined ? { limit: headroom.limit } : {}),
    });
    let timer: NodeJS.Timeout | undefined;
    const ready = new Promise<Dispatcher.DispatchOptions>((resolve) => {
      timer = setTimeout(() => resolve(opts), waitMs);
    });
    return dispatchWhenReady(dispatch, learning, ready, () => clearTimeout(timer));
  };
}
