// Adds credentials to requests bound for the client's own origin (never to other hosts reached
// through the same dispatcher, e.g. a Link to a CDN or a user's fetch elsewhere). A strategy that can
// renew its credential (OAuth2) gets one chance on a 401: the response is swallowed, the credential
// renewed, and the request sent once more; the caller sees only the second answer.
import type { Dispatcher } from "undici";
import type { IncomingHttpHeaders } from "undici/types/header.js";
import type { AuthRequest, AuthStrategy } from "../../base/index.js";
import { contextOf, urlOf } from "../context.js";
import { normalizeRequestHeaders } from "../request-headers.js";
import { forward } from "./forward.js";
import { ResentRequest } from "./resent-request.js";

export function authInterceptor(
  strategy: AuthStrategy,
  origin: string,
): Dispatcher.DispatcherComposeInterceptor {
  if (strategy.type === "none") return (dispatch) => dispatch;
  return (dispatch) => (opts, handler) => {
    if (contextOf(opts)?.skipAuth) return dispatch(opts, handler);
    if (new URL(urlOf(opts)).origin !== origin) return dispatch(opts, handler);
    new AuthorizedRequest(dispatch, opts, handler, strategy).start();
    return true;
  };
}

class AuthorizedRequest extends ResentRequest {
  #attempt = 0;

  constructor(
    dispatch: Dispatcher.Dispatch,
    opts: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
    private readonly strategy: AuthStrategy,
  ) {
    super(dispatch, opts, handler);
  }

  protected begin(): void {
    void this.#send();
  }

  async #send(): Promise<void> {
    this.#attempt += 1;
    const request: AuthRequest = {
      method: (this.opts.method ?? "GET").toUpperCase(),
      url: new URL(urlOf(this.opts)),
      headers: normalizeRequestHeaders(this.opts.headers),
    };
    try {
      await this.strategy.authorize(request);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (this.settled || this.proxy.aborted) return;
    const opts: Dispatcher.DispatchOptions = {
      ...this.opts,
      origin: request.url.origin,
      path: `${request.url.pathname}${request.url.search}`,
      headers: request.headers,
    };
    // A strategy that can renew its credential gets one more attempt, if the body can be sent again.
    const canRenew = this.strategy.refresh !== undefined && this.replayable && this.#attempt === 1;
    let renewing = false;
    const attempt = forward(this.handler, {
      onRequestStart: (controller) => this.proxy.attach(controller),
      onResponseStart: (_c, status: number, headers: IncomingHttpHeaders, message?: string) => {
        if (status === 401 && canRenew) renewing = true;
        else this.handler.onResponseStart?.(this.proxy, status, headers, message);
      },
      onResponseData: (_c, chunk: Buffer) => {
        if (!renewing) this.handler.onResponseData?.(this.proxy, chunk);
      },
      onResponseEnd: (_c, trailers: IncomingHttpHeaders) => {
        if (!renewing) {
          this.settled = true;
          this.handler.onResponseEnd?.(this.proxy, trailers);
          return;
        }
        this.proxy.detach();
        this.strategy.refresh!(request).then(
          () => this.#send(),
          (error: unknown) => this.#fail(error),
        );
      },
      onResponseError: (_c, error: Error) => this.#fail(error),
    });
    try {
      this.dispatch(opts, attempt);
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    this.finishWithError(error instanceof Error ? error : new Error(String(error)));
  }
}
