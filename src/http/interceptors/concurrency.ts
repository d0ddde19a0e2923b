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
    const slot = new SlotHandler(limiter, state, handler);
    if (limiter.tryAcquire()) {
      slot.held = true;
      return dispatch(opts, slot);
    }
    const ticket = limiter.wait();
    const ready = ticket.granted.then(() => {
      if (!slot.cancelled) slot.held = true;
      return opts;
    });
    return dispatchWhenReady(dispatch, slot, ready, () => {
      slot.cancelled = true;
      if (slot.held) slot.free();
      else ticket.cancel();
    });
  };
}

/**
 * Passes every callback on, and gives the slot back when the response ends or fails. One object per
 * request (not a set of closures): this runs on every request of the client, fetch() included.
 */
class SlotHandler implements Dispatcher.DispatchHandler {
  held = false;
  cancelled = false;
  #status = 0;

  constructor(
    private readonly limiter: AdaptiveLimiter,
    private readonly state: RateLimitState,
    private readonly handler: Dispatcher.DispatchHandler,
  ) {}

  free(): void {
    if (!this.held) return;
    this.held = false;
    this.limiter.release();
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: Parameters<NonNullable<Dispatcher.DispatchHandler["onRequestUpgrade"]>>[2],
    socket: Parameters<NonNullable<Dispatcher.DispatchHandler["onRequestUpgrade"]>>[3],
  ): void {
    this.handler.onRequestUpgrade?.(controller, status, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: Parameters<NonNullable<Dispatcher.DispatchHandler["onResponseStart"]>>[2],
    message: string,
  ): void {
    this.#status = status;
    this.handler.onResponseStart?.(controller, status, headers, message);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(
    controller: Dispatcher.DispatchController,
    trailers: Parameters<NonNullable<Dispatcher.DispatchHandler["onResponseEnd"]>>[1],
  ): void {
    this.free();
    judge(this.limiter, this.state, this.#status);
    this.handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.free();
    this.handler.onResponseError?.(controller, error);
  }
}

/** What a finished response says about the budget. */
function judge(limiter: AdaptiveLimiter, state: RateLimitState, status: number): void {
  if (status === 429) {
    limiter.throttle();
    return;
  }
  if (status < 200 || status >= 400) return;
  if (state.lowOn(LOW_HEADROOM)) limiter.throttle();
  else limiter.healthy();
}
