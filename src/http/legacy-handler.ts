// Accepts the handlers of older undici (onConnect/onHeaders/onData/onComplete/onError) at the front of
// the dispatcher: Node's own fetch (undici 6 on Node 22, 7 on Node 24) dispatches with them, and
// undici 8, which the interceptors speak, no longer calls them, so such a fetch would never resolve.
import type { Duplex } from "node:stream";
import type { Dispatcher } from "undici";
import type { IncomingHttpHeaders } from "undici/types/header.js";

/** The handler contract up to undici 7 (8 dropped it): raw headers as [name, value, ...] Buffers, back-pressure by returning false. */
export interface LegacyDispatchHandler {
  onConnect?(abort: (reason?: Error) => void, context?: unknown): void;
  onHeaders?(
    statusCode: number,
    rawHeaders: Buffer[],
    resume: () => void,
    statusText?: string,
  ): boolean | undefined;
  onData?(chunk: Buffer): boolean | undefined;
  onComplete?(rawTrailers: Buffer[] | null): void;
  onError?(error: Error): void;
  onUpgrade?(statusCode: number, rawHeaders: Buffer[], socket: Duplex): void;
  /** Older fetch uses it for its timing info only. */
  onResponseStarted?(): void;
  /** Node 24's fetch (undici 7) already has the new upgrade callback next to the old ones. */
  onRequestUpgrade?: Dispatcher.DispatchHandler["onRequestUpgrade"];
}

// onRequestUpgrade is not among them: Node 24's fetch has it beside its old-style callbacks.
const NEW_STYLE = [
  "onRequestStart",
  "onResponseStart",
  "onResponseData",
  "onResponseEnd",
  "onResponseError",
] as const;
const OLD_STYLE = ["onConnect", "onHeaders", "onData", "onComplete", "onError", "onUpgrade"] as const;

/** True for a handler that only speaks the old contract (a handler with any new-style method is new). */
export function isLegacyHandler(handler: object): boolean {
  const h = handler as Record<string, unknown>;
  if (NEW_STYLE.some((name) => typeof h[name] === "function")) return false;
  return OLD_STYLE.some((name) => typeof h[name] === "function");
}

/**
 * Parsed headers back to the raw [name, value, ...] Buffer list the old contract hands on. Built from
 * the parsed object, not the controller's rawHeaders: an interceptor may pass on a response that is
 * not the live connection's (the retry interceptor's held one), and only the object is always right.
 * latin1 both ways, as undici parses them, so no byte changes.
 */
export function toRawHeaders(headers: IncomingHttpHeaders | null | undefined): Buffer[] {
  const raw: Buffer[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value])
      raw.push(Buffer.from(name, "latin1"), Buffer.from(String(one), "latin1"));
  }
  return raw;
}

/** Presents an old-style handler to the new controller API. */
export class LegacyHandlerAdapter implements Dispatcher.DispatchHandler {
  constructor(private readonly legacy: LegacyDispatchHandler) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    // Old handlers abort through the callback they get here (fetch keeps it for its AbortSignal).
    this.legacy.onConnect?.((reason) => controller.abort(reason ?? new Error("aborted")), context);
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: Duplex,
  ): void {
    if (this.legacy.onRequestUpgrade) this.legacy.onRequestUpgrade(controller, statusCode, headers, socket);
    else this.legacy.onUpgrade?.(statusCode, toRawHeaders(headers), socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.legacy.onResponseStarted?.();
    // false means "stop reading"; the old contract resumes through the callback, not a controller.
    const more = this.legacy.onHeaders?.(
      statusCode,
      toRawHeaders(headers),
      () => controller.resume(),
      statusMessage,
    );
    if (more === false) controller.pause();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.legacy.onData?.(chunk) === false) controller.pause();
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.legacy.onComplete?.(toRawHeaders(trailers));
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.legacy.onError?.(error);
  }
}

/** The outermost layer of the dispatcher: old-style handlers are adapted, new-style ones pass untouched. */
export function legacyHandlerInterceptor(): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) =>
    dispatch(
      opts,
      isLegacyHandler(handler) ? new LegacyHandlerAdapter(handler as LegacyDispatchHandler) : handler,
    );
}
