// A handler that passes every callback on to another, except those overridden: the common shape of
// interceptors that watch a response without changing it.
import type { Dispatcher } from "undici";

export function forward(
  handler: Dispatcher.DispatchHandler,
  overrides: Partial<Dispatcher.DispatchHandler> = {},
): Dispatcher.DispatchHandler {
  return {
    onRequestStart: (c, ctx) => handler.onRequestStart?.(c, ctx),
    onRequestUpgrade: (c, status, headers, socket) => handler.onRequestUpgrade?.(c, status, headers, socket),
    onResponseStart: (c, status, headers, message) => handler.onResponseStart?.(c, status, headers, message),
    onResponseData: (c, chunk) => handler.onResponseData?.(c, chunk),
    onResponseEnd: (c, trailers) => handler.onResponseEnd?.(c, trailers),
    onResponseError: (c, error) => handler.onResponseError?.(c, error),
    ...overrides,
  };
}
