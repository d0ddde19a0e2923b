// What every call of one client shares: its settings, its transport and redactor, the base headers,
// and how a request is built, sent and described. Apikit owns one; pulls, inspect and the verb
// methods use it, so none of them needs the facade class itself.
import { type AuthStrategy, createAuthStrategy } from "../auth/index.js";
import { type ApiConfig, redactWhenPrinted } from "../config/index.js";
import { ApikitError, HttpError } from "../errors.js";
import { toJson } from "../flatten/index.js";
import {
  type AdaptiveLimiter,
  type ApikitDispatcher,
  chooseLogger,
  createDispatcher,
  createRedactor,
  type Hooks,
  isSecretHeader,
  type Logger,
  type Observer,
  observerOf,
  type Redactor,
  type SendRequest,
  type SendResponse,
  send,
} from "../http/index.js";
import { writeStderr } from "../util/notebook.js";
import { type DryRunOutput, type DryRunResult, describeRequest } from "./dry-run.js";
import { type ApikitOptions, normalizeOptions } from "./options.js";
import { buildUrl, type Params } from "./url.js";

const DEFAULT_ACCEPT = "application/json";
/** A duration under this many ms looks like seconds ported from iki-apikit. */
const SECONDS_LIKE_BELOW_MS = 100;

/** A request as the transport will send it: headers merged, a JSON body serialised. */
export interface EncodedRequest {
  headers: Record<string, string>;
  body: string | Uint8Array | null;
}

export class ClientCore {
  readonly config: ApiConfig;
  readonly logger: Logger;
  readonly auth: AuthStrategy;
  readonly dispatcher: ApikitDispatcher;
  readonly redactor: Redactor;
  readonly observer: Observer;
  readonly #baseHeaders: Record<string, string>;
  /** Duration options already warned about as looking like seconds (once per name per client). */
  readonly #warnedDurations = new Set<string>();

  constructor(options: ApikitOptions) {
    this.config = redactWhenPrinted(normalizeOptions(options));
    this.logger = chooseLogger(options.logger, options.env);
    this.checkDurations("client options", { timeoutMs: options.timeoutMs, timeout: options.timeout });
    const hooks: Hooks = options.hooks ?? {};
    this.auth = createAuthStrategy(this.config.auth);
    const { config } = this;
    // A credential among the static headers (e.g. GitLab's PRIVATE-TOKEN) is kept as safe as the auth's.
    const headerSecrets = Object.entries(lowerKeys(config.headers)).filter(([name]) => isSecretHeader(name));
    this.redactor = createRedactor({
      extraHeaders: [...this.auth.sensitiveHeaders],
      extraParams: [...this.auth.sensitiveParams],
      secrets: [...this.auth.secrets(), ...headerSecrets.map(([, value]) => value)],
    });
    this.dispatcher = createDispatcher({
      baseUrl: config.baseUrl,
      auth: this.auth,
      credentialHeaders: headerSecrets.map(([name]) => name),
      retry: config.retry,
      timeoutMs: config.timeoutMs,
      connections: config.connections,
      verifySsl: config.verifySsl,
      maxRedirects: config.maxRedirects,
      rateLimit: config.rateLimit,
      rateLimitThreshold: config.rateLimitThreshold,
      concurrency: config.concurrency,
      logger: this.logger,
      hooks,
      redactor: this.redactor,
      rateGate: options.rateGate,
    });
    // One Observer for the transport (requests, retries, waits) and the pulls (pages): a pull's
    // progress bar listens to it for the pull's duration.
    this.observer = observerOf(this.dispatcher);
    this.#baseHeaders = {
      accept: DEFAULT_ACCEPT,
      "user-agent": config.userAgent ?? "apikit",
      ...lowerKeys(config.headers),
    };
  }

  /**
   * Warns once per option name when a timeout is under 100 ms: every apikit duration is in ms, and
   * iki-apikit's were seconds, so `timeout: 30` ported as it is would time out after 30 ms. (Retry
   * delays are left alone: a few ms is what fast tests use on purpose.)
   */
  checkDurations(where: string, durations: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(durations)) {
      if (typeof value !== "number" || !(value > 0) || value >= SECONDS_LIKE_BELOW_MS) continue;
      if (this.#warnedDurations.has(name)) continue;
      this.#warnedDurations.add(name);
      const current = name === "timeout" ? "timeoutMs" : name;
      this.logger.warn(
        `${where}: ${name} is ${value} ms. apikit's durations are milliseconds (iki-apikit's were seconds): for ${value} s write ${current}: ${value * 1000}`,
      );
    }
  }

  /** A call's own timeout (`timeoutMs`, or the deprecated `timeout`, both ms), checked as the client's is. */
  callTimeout(options: { timeoutMs?: number | undefined; timeout?: number | undefined }): number | undefined {
    this.checkDurations("call options", { timeoutMs: options.timeoutMs, timeout: options.timeout });
    return options.timeoutMs ?? options.timeout;
  }

  /** The base URL joined with `path` and `params`; a path that makes no URL is an ApikitError. */
  url(path: string, params?: Params): URL {
    try {
      return buildUrl(this.config.baseUrl, path, params);
    } catch (error) {
      throw new ApikitError(`cannot build a URL from ${JSON.stringify(path)}: ${errorText(error)}`);
    }
  }

  /** The client's headers with the call's on top, and the body as bytes on the wire. */
  encode(extra: Record<string, string> | undefined, body: unknown): EncodedRequest {
    const headers = extra ? { ...this.#baseHeaders, ...lowerKeys(extra) } : { ...this.#baseHeaders };
    if (body === undefined || body === null) return { headers, body: null };
    if (typeof body === "string" || body instanceof Uint8Array) return { headers, body };
    headers["content-type"] ??= "application/json";
    return { headers, body: toJson(body) };
  }

  /** One exchange (inside the client's budget, which the transport holds); an HTTP error reaches onError. */
  async send(request: SendRequest): Promise<SendResponse> {
    try {
      return await send(this.dispatcher, this.redactor, request);
    } catch (error) {
      if (error instanceof HttpError) {
        this.logger.debug(error.message);
        void this.observer.call("onError", {
          method: request.method,
          url: this.redactor.redactUrl(request.url),
          error,
          attempts: error.attempts ?? 1,
        });
      }
      throw error;
    }
  }

  /** Requests in flight a pull may have now: its own cap, within the client's adaptive budget. */
  concurrency(cap: number | undefined): number {
    return Math.min(cap ?? this.config.concurrency, this.limiter.limit);
  }

  /** The client's budget of requests in flight, held by its transport. */
  get limiter(): AdaptiveLimiter {
    // createDispatcher makes one whenever `concurrency` is given, and the client always gives it.
    return this.dispatcher.limiter!;
  }

  /** Prints and returns the request as it would be sent (auth applied as the transport would), secrets redacted. */
  describe(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: unknown,
    paginate: boolean,
    pagination: Record<string, unknown>,
    output?: DryRunOutput,
  ): DryRunResult {
    const result = describeRequest(this, { method, url, headers, body }, paginate, pagination, output);
    writeStderr(`${result.toString()}\n`);
    return result;
  }
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
