// The contract every auth strategy meets. Strategies run inside the transport (an interceptor), so
// `client.dispatcher` carries credentials to any code that uses it. It lives in base/ because both
// auth/ (the strategies) and http/ (the interceptor) need it, and auth/ sends its token requests
// through http/.

export interface AuthRequest {
  method: string;
  /** Mutable: a strategy may add query parameters. */
  url: URL;
  /** Lower-cased names; mutable. */
  headers: Record<string, string>;
}

export interface AuthStrategy {
  readonly type: string;
  /** Adds credentials to an outgoing request. May be async (e.g. to fetch a token first). */
  authorize(request: AuthRequest): void | Promise<void>;
  /** Header names (lower case) that carry the credential: redacted in logs, dropped on cross-origin redirects. */
  readonly sensitiveHeaders: readonly string[];
  /** Query parameter names that carry the credential: redacted in logs. */
  readonly sensitiveParams: readonly string[];
  /** The secret values themselves, so they can be scrubbed from any text apikit prints. */
  secrets(): string[];
  /**
   * Called once when a request authorized by this strategy got a 401: renew the credential (unless
   * another request already did) so the request can be sent once more. Strategies without renewable
   * credentials leave it out, and a 401 is final.
   */
  refresh?(failed: AuthRequest): Promise<void>;
  /**
   * For dry runs: shows what authorize() would add, with placeholders, without any I/O. Strategies
   * whose authorize() is asynchronous (it fetches something) should implement it.
   */
  describe?(request: AuthRequest): void;
  /** Gives the strategy the client's transport (for a token request) and its redactor (for new secrets). */
  bind?(transport: AuthTransport): void;
}

export interface AuthTransport {
  dispatcher: import("undici").Dispatcher;
  /** Registers a secret obtained at run time (an access token) so every log and error scrubs it. */
  addSecret(secret: string): void;
  redactUrl(url: URL | string): string;
}

/**
 * The transport's default when it is given no strategy: adds nothing. A plain object, so http/ needs
 * nothing from auth/ (whose NoAuth class is the public, printable equivalent).
 */
export const noCredentials: AuthStrategy = Object.freeze({
  type: "none",
  sensitiveHeaders: [],
  sensitiveParams: [],
  authorize(): void {},
  secrets: (): string[] => [],
});
