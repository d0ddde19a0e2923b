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
import { ProxyController } from "./proxy-controller.js";

function isReplayable(body: Dispatcher.DispatchOptions["body"]): boolean {
  return body == null || typeof body === "string" || body instanceof Uint8Array;
}

export function authInterceptor(
  strategy: AuthStrategy,
  origin: string,
): Dispatcher.DispatcherComposeInterceptor {
  if (strategy.type === "none") return (dispatch) => dispatch;
  return (dispatch) => (opts, handler) => {
    if (contextOf(opts)?.skipAuth) return dispatch(opts, handler);
    if (new URL(urlOf(opts)).origin !== origin) return dispatch(opts, handler);
    const renewable = strategy.refresh !== undefined && isReplayable(opts.body);
    new AuthorizedRequest(dispatch, opts, handler, strategy, renewable).start();
    return true;
  };
}

class AuthorizedRequest {
  readonly #proxy = new ProxyController();
  #attempt = 0;
  #settled = false;

  constructor(
    private readonly dispatch: Dispatcher.Dispatch,
    private readonly opts: Dispatcher.DispatchOptions,
    private readonly handler: Dispatcher.DispatchHandler,
    private readonly strategy: AuthStrategy,
    private readonly renewable: boolean,
  ) {}

  start(): void {
    this.#proxy.onAbort((reason) => this.#fail(reason));
    this.handler.onRequestStart?.(this.#proxy, {});
    if (!this.#proxy.aborted) void this.#send();
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
      this.#fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.#settled || this.#proxy.aborted) return;
    const opts: Dispatcher.DispatchOptions = {
      ...this.opts,
      origin: request.url.origin,
      path: `${request.url.pathname}${request.url.search}`,
      headers: request.headers,
    };
    const canRenew = this.renewable && this.#attempt === 1;
    let renewing = false;
    const attempt = forward(this.handler, {
      onRequestStart: (controller) => this.#proxy.attach(controller),
      onResponseStart: (_c, status: number, headers: IncomingHttpHeaders, message?: string) => {
        if (status === 401 && canRenew) renewing = true;
        else this.handler.onResponseStart?.(this.#proxy, status, headers, message);
      },
      onResponseData: (_c, chunk: Buffer) => {
        if (!renewing) this.handler.onResponseData?.(this.#proxy, chunk);
      },
      onResponseEnd: (_c, trailers: IncomingHttpHeaders) => {
        if (!renewing) {
          this.#settled = true;
          this.handler.onResponseEnd?.(this.#proxy, trailers);
          return;
        }
        this.#proxy.detach();
        this.strategy.refresh!(request).then(
          () => this.#send(),
          (error: unknown) => this.#fail(error instanceof Error ? error : new Error(String(error))),
        );
      },
      onResponseError: (_c, error: Error) => this.#fail(error),
    });
    try {
      this.dispatch(opts, attempt);
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #fail(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.handler.onResponseError?.(this.#proxy, error);
  }
}
