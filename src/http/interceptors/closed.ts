// Refuses requests once the pooled Agent is closed, before auth, waits or retries: what follows
// close() is a mistake in the caller's code, and it deserves one clear error, not a network failure.
import type { Dispatcher } from "undici";
import type { Redactor } from "../../base/index.js";
import { urlOf } from "../context.js";
import { clientClosedError } from "../retry-policy.js";
import { dispatchWhenReady } from "./proxy-controller.js";

export function closedInterceptor(
  agent: { readonly closed: boolean; readonly destroyed: boolean },
  redactor: Redactor,
): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    if (!agent.closed && !agent.destroyed) return dispatch(opts, handler);
    const method = (opts.method ?? "GET").toUpperCase();
    const refused = Promise.reject(
      clientClosedError({ method, url: redactor.redactUrl(urlOf(opts)), attempts: 0 }),
    );
    // Handled by dispatchWhenReady, unless the caller aborted before it got to listen.
    refused.catch(() => undefined);
    return dispatchWhenReady(dispatch, handler, refused);
  };
}
