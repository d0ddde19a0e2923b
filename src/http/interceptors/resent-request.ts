// What the interceptors that may send one request more than once (retry.ts, auth.ts's renewal on a
// 401) share: whether its body can be sent again, the one controller the caller holds across every
// attempt, and the rule that the caller hears of the outcome exactly once.
import type { Dispatcher } from "undici";
import { ProxyController } from "./proxy-controller.js";

/** A body that can be sent again as it is: none, a string or bytes (a stream is spent by one send). */
function isReplayable(body: Dispatcher.DispatchOptions["body"]): boolean {
  return body == null || typeof body === "string" || body instanceof Uint8Array;
}

export abstract class ResentRequest {
  /** The controller the caller's handler holds; each attempt's own controller is attached behind it. */
  protected readonly proxy = new ProxyController();
  /** Whether the request could be sent again, by its body. */
  protected readonly replayable: boolean;
  /** The caller has had its outcome (the end of a response, or an error): nothing more may reach it. */
  protected settled = false;

  constructor(
    protected readonly dispatch: Dispatcher.Dispatch,
    protected readonly opts: Dispatcher.DispatchOptions,
    protected readonly handler: Dispatcher.DispatchHandler,
  ) {
    this.replayable = isReplayable(opts.body);
  }

  /** Hands the caller its controller, then sends the first attempt unless the caller aborted at once. */
  start(): void {
    this.proxy.onAbort((reason) => this.abortedBetweenAttempts(reason));
    this.handler.onRequestStart?.(this.proxy, {});
    if (!this.proxy.aborted) this.begin();
  }

  /** Sends the first attempt. */
  protected abstract begin(): void;

  /** The caller aborted while no attempt was live (during a wait, or before the first was sent). */
  protected abortedBetweenAttempts(reason: Error): void {
    this.finishWithError(reason);
  }

  /** Ends the request with `error`, unless the caller already has its outcome. */
  protected finishWithError(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.proxy.detach();
    this.handler.onResponseError?.(this.proxy, error);
  }
}
