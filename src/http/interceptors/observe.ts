// Outermost interceptor: gives every request a context, logs it (redacted), times it, and reports
// it to the hooks. It never changes what the request or response is.
import type { Dispatcher } from "undici";
import type { Redactor } from "../../base/index.js";
import { contextOf, kContext, newContext, urlOf } from "../context.js";
import type { Observer } from "../events.js";
import { forward } from "./forward.js";

export function observeInterceptor(
  observer: Observer,
  redactor: Redactor,
): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const context = contextOf(opts) ?? newContext(false);
    const withContext = contextOf(opts) ? opts : { ...opts, [kContext]: context };
    // Nobody listening: no URL to redact, no clock, no wrapper (20 000 small requests felt each of them).
    if (observer.quiet) return dispatch(withContext, handler);
    const method = (opts.method ?? "GET").toUpperCase();
    const url = redactor.redactUrl(urlOf(opts));
    const started = performance.now();
    observer.logger.debug(`→ ${method} ${url}`);
    void observer.call("onRequest", { method, url });

    const observed = forward(handler, {
      onResponseStart: (c, status, headers, message) => {
        if (status >= 200) {
          const latencyMs = performance.now() - started;
          observer.logger.debug(`← ${status} ${method} ${url} (${latencyMs.toFixed(1)} ms)`);
          void observer.call("onResponse", { method, url, status, latencyMs, attempts: context.attempts });
        }
        return handler.onResponseStart?.(c, status, headers, message);
      },
      onResponseError: (c, error) => {
        observer.logger.debug(`✗ ${method} ${url}: ${error.message}`);
        void observer.call("onError", { method, url, error, attempts: context.attempts });
        return handler.onResponseError?.(c, error);
      },
    });
    return dispatch(withContext, observed);
  };
}
