// Per-request state that rides along in undici's dispatch options (undici ignores unknown keys and
// its redirect handler copies them to every hop), so interceptors can share it without globals.
import type { Dispatcher } from "undici";

export const kContext: unique symbol = Symbol.for("apikit.request-context");

export interface RequestContext {
  /** Attempts made so far (written by the retry interceptor). */
  attempts: number;
  /** Buffer the whole body before handing it on, so a connection reset mid-body can be retried. */
  bufferBody: boolean;
  /** Total time spent waiting for retries and rate limits, in ms. */
  waitedMs: number;
  /** A request that must go out without the client's credentials (an OAuth2 token request). */
  skipAuth?: boolean;
}

export type DispatchOptions = Dispatcher.DispatchOptions & { [kContext]?: RequestContext };

export function contextOf(opts: Dispatcher.DispatchOptions): RequestContext | undefined {
  return (opts as DispatchOptions)[kContext];
}

export function newContext(bufferBody = false): RequestContext {
  return { attempts: 0, bufferBody, waitedMs: 0 };
}

/** The request's full URL as a string (origin + path), for logs and errors. */
export function urlOf(opts: Dispatcher.DispatchOptions): string {
  const origin = typeof opts.origin === "string" ? opts.origin : (opts.origin?.toString() ?? "");
  if (/^https?:\/\//.test(opts.path)) return opts.path;
  return `${origin.replace(/\/$/, "")}${opts.path}`;
}
