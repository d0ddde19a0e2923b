// The error hierarchy: every failure apikit raises is one of these, with a stable `code`,
// and (for HTTP failures) the status, method and a redacted URL.

import { fieldsTable, Html, type MimeBundle, type PullProgress, pre, progressTable } from "./util/display.js";
import { JUPYTER_DISPLAY } from "./util/printable.js";

export type { PullProgress };

export interface ErrorContext {
  method?: string;
  url?: string;
  status?: number;
  attempts?: number;
  cause?: unknown;
}

export class ApikitError extends Error {
  readonly code: string = "APIKIT_ERROR";
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly status: number | undefined;
  /** How many attempts were made before giving up (1 when nothing was retried). */
  readonly attempts: number | undefined;
  /** Set when a pull to a file failed: how far it got, and where kept rows went (keepPartial). */
  progress?: PullProgress;

  constructor(message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.method = context.method;
    this.url = context.url;
    this.status = context.status;
    this.attempts = context.attempts;
  }

  /**
   * For JSON logs: name, message and the fields (redacted when they were set), which plain
   * JSON.stringify would give without the message. Not the cause: a low-level error is not ours to vouch for.
   */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, ...Object.fromEntries(Object.entries(this)) };
  }

  /**
   * In a Deno Jupyter cell (`catch (e) { e }`): the message, and the fields of toJSON() as a table
   * (the URL and headers redacted as everywhere), `progress` as its own.
   */
  [JUPYTER_DISPLAY](): MimeBundle {
    const rows: Array<[string, string | number | Html]> = [];
    for (const [key, value] of Object.entries(this)) {
      if (value === undefined || value === "" || key === "name" || key === "message") continue;
      if (key === "progress") rows.push([key, new Html(progressTable(value as PullProgress))]);
      else if (typeof value === "object" && value !== null)
        rows.push([key, pre(JSON.stringify(value, null, 2))]);
      else rows.push([key, value as string | number]);
    }
    return {
      "text/plain": `${this.name}: ${this.message}`,
      "text/html": fieldsTable(rows, `${this.name}: ${this.message}`),
    };
  }
}

export interface HttpErrorContext extends ErrorContext {
  status: number;
  bodyExcerpt?: string;
  requestId?: string;
  headers?: Record<string, string>;
}

/** A non-2xx response (or a 2xx whose body is not what it claims to be). */
export class HttpError extends ApikitError {
  override readonly code: string = "HTTP_ERROR";
  override readonly status: number;
  /** At most 2 KiB of the response body. */
  readonly bodyExcerpt: string;
  readonly requestId: string | undefined;
  /** Response headers, with secrets redacted. */
  readonly headers: Record<string, string>;

  constructor(message: string, context: HttpErrorContext) {
    super(message, context);
    this.status = context.status;
    this.bodyExcerpt = context.bodyExcerpt ?? "";
    this.requestId = context.requestId;
    this.headers = context.headers ?? {};
  }
}

export interface AuthErrorContext extends HttpErrorContext {
  oauthError?: string | undefined;
  oauthErrorDescription?: string | undefined;
}

/** 401 or 403, or a credential that could not be obtained. Never retried. */
export class AuthError extends HttpError {
  override readonly code: string = "AUTH_ERROR";
  /** The OAuth `error` of a failed token request (e.g. "invalid_client"). */
  readonly oauthError: string | undefined;
  /** The OAuth `error_description` of a failed token request. */
  readonly oauthErrorDescription: string | undefined;

  constructor(message: string, context: AuthErrorContext) {
    super(message, context);
    this.oauthError = context.oauthError;
    this.oauthErrorDescription = context.oauthErrorDescription;
  }
}

/** 404. */
export class NotFoundError extends HttpError {
  override readonly code: string = "NOT_FOUND";
}

export interface RateLimitErrorContext extends HttpErrorContext {
  /** How long the server asked us to wait, in ms, when it said. */
  retryAfterMs?: number | undefined;
}

/** 429 after every retry was spent, or a Retry-After longer than `retry.maxRetryAfterMs`. */
export class RateLimitError extends HttpError {
  override readonly code: string = "RATE_LIMITED";
  /** How long the server asked us to wait, in ms, when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, context: RateLimitErrorContext) {
    super(message, context);
    this.retryAfterMs = context.retryAfterMs;
  }

  /** @deprecated The wait in whole seconds, rounded up: use `retryAfterMs`. */
  get retryAfter(): number | undefined {
    return this.retryAfterMs === undefined ? undefined : Math.ceil(this.retryAfterMs / 1000);
  }
}

/** Connect, headers or body timeout. */
export class TimeoutError extends ApikitError {
  override readonly code: string = "TIMEOUT";
  readonly phase: "connect" | "headers" | "body" | "request";

  constructor(message: string, context: ErrorContext & { phase: TimeoutError["phase"] }) {
    super(message, context);
    this.phase = context.phase;
  }
}

/** The connection failed: refused, reset, DNS, TLS. */
export class NetworkError extends ApikitError {
  override readonly code: string = "NETWORK_ERROR";
  /** The underlying system or undici error code (ECONNRESET, UND_ERR_SOCKET, ...). */
  readonly errorCode: string | undefined;

  constructor(message: string, context: ErrorContext & { errorCode?: string | undefined }) {
    super(message, context);
    this.errorCode = context.errorCode;
  }
}

/**
 * A request on a client (or dispatcher) whose close() has run: a mistake in the caller's code, not a
 * network fault, so it is never retried.
 */
export class ClientClosedError extends ApikitError {
  override readonly code: string = "CLIENT_CLOSED";
}

export interface PaginationErrorContext extends ErrorContext {
  pages?: number;
  recordsFetched?: number;
}

/** The pagination cannot go on honestly: a repeating cursor or next URL, a nonsensical response. */
export class PaginationError extends ApikitError {
  override readonly code: string = "PAGINATION_ERROR";
  readonly pages: number;
  readonly recordsFetched: number;
  /** The records fetched before the failure (filled in by fetchRecords; empty for streams). */
  records: unknown[] = [];

  constructor(message: string, context: PaginationErrorContext = {}) {
    super(message, context);
    this.pages = context.pages ?? 0;
    this.recordsFetched = context.recordsFetched ?? 0;
  }
}

export interface ConfigIssue {
  path: string;
  message: string;
}

/** Invalid configuration: lists every problem with its path. */
export class ConfigError extends ApikitError {
  override readonly code: string = "CONFIG_ERROR";
  readonly issues: ConfigIssue[];

  constructor(message: string, issues: ConfigIssue[] = []) {
    super(message);
    this.issues = issues;
  }
}

export class ConnectorNotFoundError extends ApikitError {
  override readonly code: string = "CONNECTOR_NOT_FOUND";
  readonly connector: string;
  readonly suggestions: string[];

  constructor(connector: string, suggestions: string[] = []) {
    const hint = suggestions.length > 0 ? ` Did you mean: ${suggestions.join(", ")}?` : "";
    super(`No connector named "${connector}".${hint}`);
    this.connector = connector;
    this.suggestions = suggestions;
  }
}

export class OutputError extends ApikitError {
  override readonly code: string = "OUTPUT_ERROR";
}

/** The cluster cannot do what was asked: Redis unreachable (its URL redacted), an unknown pull id, a lost partition. */
export class ClusterError extends ApikitError {
  override readonly code: string = "CLUSTER_ERROR";
}

export interface GraphQLErrorEntry {
  message: string;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  extensions?: Record<string, unknown>;
}

/** A GraphQL response with an `errors` array (even with status 200). */
export class GraphQLError extends ApikitError {
  override readonly code: string = "GRAPHQL_ERROR";
  readonly errors: GraphQLErrorEntry[];
  readonly data: unknown;

  constructor(message: string, context: ErrorContext & { errors: GraphQLErrorEntry[]; data?: unknown }) {
    super(message, context);
    this.errors = context.errors;
    this.data = context.data;
  }
}

export class WebhookSignatureError extends ApikitError {
  override readonly code: string = "WEBHOOK_SIGNATURE";
  readonly reason: string;

  constructor(reason: string) {
    super(`Webhook signature rejected: ${reason}`);
    this.reason = reason;
  }
}

export interface RecordIssue {
  index: number;
  path: string;
  message: string;
}

/** A record that does not match the user's schema (with `onInvalid: "raise"`). */
export class RecordValidationError extends ApikitError {
  override readonly code: string = "RECORD_INVALID";
  readonly index: number;
  readonly issues: RecordIssue[];
  readonly record: unknown;

  constructor(message: string, context: { index: number; issues: RecordIssue[]; record: unknown }) {
    super(message);
    this.index = context.index;
    this.issues = context.issues;
    this.record = context.record;
  }
}
