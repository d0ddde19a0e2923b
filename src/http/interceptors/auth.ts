// Adds credentials to requests bound for the client's own origin (never to other hosts reached
// through the same dispatcher, e.g. a Link to a CDN or a user's fetch elsewhere).
import type { Dispatcher } from "undici";
import type { AuthStrategy } from "../../auth/index.js";
import { urlOf } from "../context.js";
import { normalizeRequestHeaders } from "../request-headers.js";
import { dispatchWhenReady } from "./proxy-controller.js";

export function authInterceptor(
  strategy: AuthStrategy,
  origin: string,
): Dispatcher.DispatcherComposeInterceptor {
  if (strategy.type === "none") return (dispatch) => dispatch;
  return (dispatch) => (opts, handler) => {
    const url = new URL(urlOf(opts));
    if (url.origin !== origin) return dispatch(opts, handler);
    const request = {
      method: (opts.method ?? "GET").toUpperCase(),
      url,
      headers: normalizeRequestHeaders(opts.headers),
    };
    const finish = (): Dispatcher.DispatchOptions => ({
      ...opts,
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      headers: request.headers,
    });
    const pending = strategy.authorize(request);
    if (pending === undefined) return dispatch(finish(), handler);
    return dispatchWhenReady(dispatch, handler, pending.then(finish));
  };
}
