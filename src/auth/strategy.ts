// The contract every auth strategy meets. Strategies run inside the transport (an interceptor), so
// `client.dispatcher` carries credentials to any code that uses it.

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
}
