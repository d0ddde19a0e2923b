// createDispatcher(): the whole transport as one undici Dispatcher. Order, outermost first:
// legacy-handler adapter → observe → concurrency budget → closed guard → auth → retry → rate-limit
// gate → redirect → pooled keep-alive Agent.
// The gate sits inside retry (not outside, as DESIGN.md first drew it) so every attempt, retries
// included, passes it. Anything that dispatches through it (fetch, generated clients) gets it all.
import { Agent, type Dispatcher, interceptors } from "undici";
import {
  type AuthStrategy,
  createRedactor,
  type Logger,
  noCredentials,
  type Redactor,
  silentLogger,
} from "../base/index.js";
import { parseConfig, type RateLimitConfig, RetryConfig, type RetryConfigInput } from "../config/index.js";
import { type Hooks, Observer } from "./events.js";
import { authInterceptor } from "./interceptors/auth.js";
import { closedInterceptor } from "./interceptors/closed.js";
import { concurrencyInterceptor } from "./interceptors/concurrency.js";
import { observeInterceptor } from "./interceptors/observe.js";
import { rateLimitInterceptor } from "./interceptors/rate-limit.js";
import { retryInterceptor } from "./interceptors/retry.js";
import { legacyHandlerInterceptor } from "./legacy-handler.js";
import { AdaptiveLimiter } from "./limiter.js";
import type { RateGate } from "./rate-gate.js";
import { RateLimitState } from "./rate-limit-state.js";
import { TokenBucket } from "./token-bucket.js";

export interface DispatcherOptions {
  /** Credentials are only added to requests for this origin. */
  baseUrl?: string;
  auth?: AuthStrategy;
  /** More request headers that carry credentials (a token in a client's static headers): dropped like the auth's. */
  credentialHeaders?: readonly string[];
  retry?: RetryConfigInput;
  /** Connect, headers and body timeout, each, in ms. Default 30 000. */
  timeoutMs?: number;
  /** @deprecated The same timeout under its old name (ms too): use `timeoutMs`. */
  timeout?: number;
  /** Keep-alive connections per origin. Default 16. */
  connections?: number;
  verifySsl?: boolean;
  maxRedirects?: number;
  rateLimit?: RateLimitConfig | undefined;
  /** Hold requests once the server reports this many or fewer remaining. Default 0. */
  rateLimitThreshold?: number;
  rateLimitState?: RateLimitState;
  /** A rate gate shared with other clients (e.g. the cluster's Redis budget): every attempt passes it too. */
  rateGate?: RateGate | undefined;
  /**
   * Requests in flight at once through this dispatcher, whoever sends them; adaptive below it (a 429
   * or nearly spent headroom halves it, healthy answers grow it back). Default: no budget.
   */
  concurrency?: number | undefined;
  logger?: Logger;
  hooks?: Hooks;
  redactor?: Redactor;
  /** Test seam: the jitter source. */
  random?: () => number;
}

export interface ApikitDispatcher extends Dispatcher {
  /** The server's rate-limit headroom as seen by this dispatcher. */
  readonly rateLimitState: RateLimitState;
  /** The adaptive budget of requests in flight (with the `concurrency` option). */
  readonly limiter: AdaptiveLimiter | undefined;
}

/** Request headers that always carry credentials, dropped when a redirect leaves the origin. */
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie", "x-api-key"];

let warnedInsecure = false;

/**
 * An Agent whose close() may run again once it is done (an explicit close() inside `await using`,
 * then the disposal): undici would reject the second with ClientDestroyedError.
 */
class ReclosableAgent extends Agent {
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    if (!this.destroyed) return callback ? super.close(callback) : super.close();
    if (!callback) return Promise.resolve();
    queueMicrotask(callback);
  }
}

export function createDispatcher(options: DispatcherOptions = {}): ApikitDispatcher {
  const retry = parseConfig(RetryConfig, options.retry ?? {}, "retry options", "retry");
  const timeout = options.timeoutMs ?? options.timeout ?? 30_000;
  const auth: AuthStrategy = options.auth ?? noCredentials;
  const logger = options.logger ?? silentLogger;
  const limiter = options.concurrency === undefined ? undefined : new AdaptiveLimiter(options.concurrency);
  const observer = new Observer(logger, options.hooks);
  // The budget hears retries and waits before the hooks do (a hook sees it halved already).
  if (limiter) observer.listen(throttling(limiter));
  const redactor =
    options.redactor ??
    createRedactor({
      extraHeaders: [...auth.sensitiveHeaders],
      extraParams: [...auth.sensitiveParams],
      secrets: auth.secrets(),
    });
  const state = options.rateLimitState ?? new RateLimitState({ threshold: options.rateLimitThreshold ?? 0 });
  const bucket = options.rateLimit
    ? new TokenBucket(options.rateLimit.requestsPerSecond, options.rateLimit.burst ?? 1)
    : undefined;
  const verifySsl = options.verifySsl ?? true;
  if (!verifySsl && !warnedInsecure) {
    warnedInsecure = true;
    logger.warn(
      "verifySsl is false: TLS certificates are not checked; anyone on the path can read and alter traffic",
    );
  }

  const agent = new ReclosableAgent({
    connections: options.connections ?? 16,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    connectTimeout: timeout,
    headersTimeout: timeout,
    bodyTimeout: timeout,
    connect: { rejectUnauthorized: verifySsl, timeout },
  });
  const origin = options.baseUrl ? new URL(options.baseUrl).origin : "";
  const stripped = [
    ...new Set(
      [...CREDENTIAL_HEADERS, ...auth.sensitiveHeaders, ...(options.credentialHeaders ?? [])].map((h) =>
        h.toLowerCase(),
      ),
    ),
  ];

  // compose() applies left to right, each wrapping the previous: the last one listed is outermost.
  const composed = agent.compose(
    interceptors.redirect({
      maxRedirections: options.maxRedirects ?? 5,
      stripHeadersOnCrossOriginRedirect: stripped,
    }),
    rateLimitInterceptor({
      state,
      bucket,
      observer,
      redactor,
      maxRetryAfterMs: retry.maxRetryAfterMs,
      gate: options.rateGate,
    }),
    retryInterceptor({ retry, observer, redactor, ...(options.random ? { random: options.random } : {}) }),
    authInterceptor(auth, origin),
    closedInterceptor(agent, redactor),
    ...(limiter ? [concurrencyInterceptor(limiter, state)] : []),
    observeInterceptor(observer, redactor),
    legacyHandlerInterceptor(),
  );
  Object.defineProperty(composed, "rateLimitState", { value: state, enumerable: false });
  Object.defineProperty(composed, "limiter", { value: limiter, enumerable: false });
  Object.defineProperty(composed, kObserver, { value: observer, enumerable: false });
  auth.bind?.({
    dispatcher: composed,
    addSecret: (secret) => redactor.addSecret(secret),
    redactUrl: (url) => redactor.redactUrl(url),
  });
  return composed as ApikitDispatcher;
}

const kObserver = Symbol("apikit.observer");

/**
 * The Observer a dispatcher reports through: its client shares it (pages, errors), and a pull listens
 * to it for its duration (a progress bar). Internal: not part of the public dispatcher type.
 */
export function observerOf(dispatcher: ApikitDispatcher): Observer {
  return (dispatcher as unknown as { [kObserver]: Observer })[kObserver];
}

/** The budget halved on each retried 429 and each rate-limit wait. */
function throttling(limiter: AdaptiveLimiter): Hooks {
  return {
    onRetry(event) {
      if (event.status === 429) limiter.throttle();
    },
    onRateLimit() {
      limiter.throttle();
    },
  };
}
