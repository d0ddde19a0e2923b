// Retry decisions as a pure function of (method, status, error): no state is shared between
// concurrent requests, so one page's failures never affect another's.
import { ApikitError, ClientClosedError, NetworkError, TimeoutError } from "../errors.js";

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** Errors raised before a single byte of the request could reach the server. */
const CONNECT_PHASE_CODES = new Set([
  "ECONNREFUSED",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Never retried. ENOTFOUND: the name does not exist (a mistyped host), and asking again gives the same
 * answer; EAI_AGAIN is the resolver failing for now, and stays retried. UND_ERR_CLOSED/DESTROYED:
 * undici raises them only when the dispatcher itself is closed, so no later attempt can succeed.
 */
const PERMANENT_CODES = new Set(["ENOTFOUND", "UND_ERR_CLOSED", "UND_ERR_DESTROYED"]);
const CLOSED_CODES = new Set(["UND_ERR_CLOSED", "UND_ERR_DESTROYED"]);

/** Errors after the request may have reached the server. */
const TRANSFER_PHASE_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
]);

const DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "DNS lookup failed",
  ENETUNREACH: "network unreachable",
  EHOSTUNREACH: "host unreachable",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed while sending",
  ETIMEDOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_CLOSED: "this client is closed",
  UND_ERR_DESTROYED: "this client is closed",
  UND_ERR_CONNECT_TIMEOUT: "connect timeout",
  UND_ERR_HEADERS_TIMEOUT: "no response headers before the timeout",
  UND_ERR_BODY_TIMEOUT: "response body stalled past the timeout",
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: "response shorter than its Content-Length",
};

export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (
      typeof code === "string" &&
      (CONNECT_PHASE_CODES.has(code) || TRANSFER_PHASE_CODES.has(code) || PERMANENT_CODES.has(code))
    )
      return code;
    if (current instanceof NetworkError && current.errorCode) return current.errorCode;
    current = (current as { cause?: unknown }).cause;
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function describeErrorCode(code: string | undefined): string {
  return (code && DESCRIPTIONS[code]) ?? "network error";
}

export function isAbort(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown } | null;
  return e?.name === "AbortError" || e?.code === "UND_ERR_ABORTED" || e?.code === "ABORT_ERR";
}

export interface RetryInput {
  method: string;
  status?: number;
  error?: unknown;
  /** The request carries an Idempotency-Key header. */
  idempotencyKey?: boolean;
  /** The request body can be sent again byte for byte. */
  replayable?: boolean;
  statusCodes: readonly number[];
}

export interface RetryDecision {
  retry: boolean;
  reason: string;
}

export function decideRetry(input: RetryInput): RetryDecision {
  const method = input.method.toUpperCase();
  const safeToRepeat = IDEMPOTENT.has(method) || input.idempotencyKey === true;
  if (input.replayable === false)
    return { retry: false, reason: "the request body is a stream and cannot be re-sent" };

  if (input.status !== undefined) {
    const status = input.status;
    const reason = `status ${status}`;
    if (status === 401 || status === 403) return { retry: false, reason };
    if (!input.statusCodes.includes(status)) return { retry: false, reason };
    if (status === 429) return { retry: true, reason };
    return safeToRepeat
      ? { retry: true, reason }
      : { retry: false, reason: `${reason} on a non-idempotent ${method}` };
  }

  if (input.error !== undefined) {
    if (isAbort(input.error)) return { retry: false, reason: "aborted" };
    const code = errorCode(input.error);
    if (code === undefined) return { retry: false, reason: "not a network error" };
    const reason = `${describeErrorCode(code)} (${code})`;
    if (PERMANENT_CODES.has(code)) return { retry: false, reason };
    if (CONNECT_PHASE_CODES.has(code)) return { retry: true, reason };
    if (TRANSFER_PHASE_CODES.has(code)) {
      return safeToRepeat
        ? { retry: true, reason }
        : { retry: false, reason: `${reason} on a non-idempotent ${method}` };
    }
    return { retry: false, reason };
  }
  return { retry: false, reason: "success" };
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(attempt-1))]. */
export function backoffDelay(
  attempt: number,
  options: { initialDelayMs: number; maxDelayMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return random() * ceiling;
}

/** A request made on a closed client; `attempts` is 0 when it was refused before being sent. */
export function clientClosedError(context: {
  method: string;
  url: string;
  attempts: number;
  cause?: unknown;
}) {
  return new ClientClosedError(
    `${context.method} ${context.url} failed: this client is closed. Its close() has run, or the ` +
      "`await using` block that owned it has ended; a promise returned from that block without " +
      "`await` runs after the client is gone (write `return await ...`).",
    context,
  );
}

/** Wraps a low-level failure into the typed error a caller sees once retries are spent. */
export function toTransportError(error: unknown, context: { method: string; url: string; attempts: number }) {
  // Already typed (a timeout, or a request the rate-limit gate refused): keep it as it is.
  if (error instanceof ApikitError) return error;
  const code = errorCode(error);
  if (code !== undefined && CLOSED_CODES.has(code)) return clientClosedError({ ...context, cause: error });
  const tries = context.attempts === 1 ? "1 attempt" : `${context.attempts} attempts`;
  const where = `${context.method} ${context.url}`;
  const base = { method: context.method, url: context.url, attempts: context.attempts, cause: error };
  if (
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    code === "UND_ERR_CONNECT_TIMEOUT"
  ) {
    const phase =
      code === "UND_ERR_CONNECT_TIMEOUT"
        ? "connect"
        : code === "UND_ERR_HEADERS_TIMEOUT"
          ? "headers"
          : "body";
    return new TimeoutError(`${where} timed out: ${describeErrorCode(code)} (after ${tries})`, {
      ...base,
      phase,
    });
  }
  if (code === "ENOTFOUND") {
    // Never retried, so no attempt count: the name itself is what the caller must fix.
    return new NetworkError(
      `${where} failed: host ${hostOf(context.url, error)} not found (ENOTFOUND); check the host name`,
      { ...base, errorCode: code },
    );
  }
  const detail = code
    ? `${describeErrorCode(code)} (${code})`
    : error instanceof Error
      ? error.message
      : String(error);
  return new NetworkError(`${where} failed: ${detail} (after ${tries})`, { ...base, errorCode: code });
}

/** The host a DNS failure was about: the error's own (getaddrinfo names it), else the URL's. */
function hostOf(url: string, error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const hostname = (current as { hostname?: unknown }).hostname;
    if (typeof hostname === "string" && hostname) return `"${hostname}"`;
    current = (current as { cause?: unknown }).cause;
  }
  try {
    return `"${new URL(url).hostname}"`;
  } catch {
    return "of the URL";
  }
}
