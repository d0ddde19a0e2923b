// A stable controller handed to the caller's handler once, while the interceptor behind it may run
// several attempts (or wait before the first): aborts and back-pressure reach whichever attempt is live.
import type { Dispatcher } from "undici";

export class ProxyController implements Dispatcher.DispatchController {
  #current: Dispatcher.DispatchController | null = null;
  #aborted = false;
  #reason: Error | null = null;
  #paused = false;
  #onAbort: ((reason: Error) => void) | null = null;

  get aborted(): boolean {
    return this.#aborted;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get reason(): Error | null {
    return this.#reason;
  }
  get rawHeaders(): Dispatcher.DispatchController["rawHeaders"] {
    return this.#current?.rawHeaders ?? null;
  }
  get rawTrailers(): Dispatcher.DispatchController["rawTrailers"] {
    return this.#current?.rawTrailers ?? null;
  }

  /** Called while no attempt is live (during a wait): lets the interceptor cancel its timer. */
  onAbort(listener: ((reason: Error) => void) | null): void {
    this.#onAbort = listener;
  }

  attach(controller: Dispatcher.DispatchController): void {
    this.#current = controller;
    if (this.#aborted) controller.abort(this.#reason ?? new Error("aborted"));
    else if (this.#paused) controller.pause();
  }

  detach(): void {
    this.#current = null;
  }

  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    if (this.#current) this.#current.abort(reason);
    else this.#onAbort?.(reason);
  }

  pause(): void {
    this.#paused = true;
    this.#current?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#current?.resume();
  }
}

/**
 * Dispatches once `ready` settles, while the caller's handler already holds a controller: an abort
 * during the wait cancels it and reaches the handler as an error, as undici's own would.
 */
export function dispatchWhenReady(
  dispatch: Dispatcher.Dispatch,
  handler: Dispatcher.DispatchHandler,
  ready: Promise<Dispatcher.DispatchOptions>,
  cancel?: () => void,
): boolean {
  const proxy = new ProxyController();
  let settled = false;
  const finish = (error: Error) => {
    if (settled) return;
    settled = true;
    handler.onResponseError?.(proxy, error);
  };
  proxy.onAbort((reason) => {
    cancel?.();
    finish(reason);
  });
  handler.onRequestStart?.(proxy, {});
  if (proxy.aborted) return true;
  ready.then(
    (nextOpts) => {
      if (settled || proxy.aborted) return;
      settled = true;
      const passThrough: Dispatcher.DispatchHandler = {
        onRequestStart: (controller) => proxy.attach(controller),
        onRequestUpgrade: (controller, status, headers, socket) =>
          handler.onRequestUpgrade?.(controller, status, headers, socket),
        onResponseStart: (_c, status, headers, message) =>
          handler.onResponseStart?.(proxy, status, headers, message),
        onResponseData: (_c, chunk) => handler.onResponseData?.(proxy, chunk),
        onResponseEnd: (_c, trailers) => handler.onResponseEnd?.(proxy, trailers),
        onResponseError: (_c, error) => handler.onResponseError?.(proxy, error),
      };
      try {
        dispatch(nextOpts, passThrough);
      } catch (error) {
        handler.onResponseError?.(proxy, error instanceof Error ? error : new Error(String(error)));
      }
    },
    (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
  );
  return true;
}
