// The facade's options, normalised once at the edge (as ky does): flat iki-apikit-style names
// (token, apiKey, maxRetries, ...) fold into one validated ApiConfig.
import {
  ApiConfig,
  type ApiConfigInput,
  type AuthConfigInput,
  type PaginationConfigInput,
  parseConfig,
  type RateLimitConfig,
  type RetryConfigInput,
} from "../config/index.js";
import { ConfigError } from "../errors.js";
import type { Hooks, Logger } from "../http/index.js";

export interface ApikitOptions {
  baseUrl: string;
  /** An auth type ("none" | "bearer" | "apikey" | "basic" | "oauth2") with the flat fields below, or a full AuthConfig. */
  auth?: AuthConfigInput["type"] | AuthConfigInput;
  token?: string;
  apiKey?: string;
  /** Header carrying the API key (default X-API-Key). */
  apiKeyHeader?: string;
  /** Send the API key as this query parameter instead of a header. */
  apiKeyQueryParam?: string;
  username?: string;
  password?: string;
  /** OAuth2 client credentials. */
  clientId?: string;
  clientSecret?: string;
  tokenUrl?: string;
  scopes?: string[];
  audience?: string;
  clientAuth?: "client_secret_post" | "client_secret_basic";
  headers?: Record<string, string>;
  /** Per-request timeout in ms (connect, headers and body each). Default 30 000. */
  timeout?: number;
  /** Shorthand for retry.maxRetries. */
  maxRetries?: number;
  retry?: RetryConfigInput;
  pagination?: PaginationConfigInput;
  verifySsl?: boolean;
  rateLimit?: RateLimitConfig;
  rateLimitThreshold?: number;
  maxRedirects?: number;
  connections?: number;
  /** Requests of this client in flight at once: parallel pages, read-ahead and fetchMany share it. Default 4. */
  concurrency?: number;
  userAgent?: string;
  logger?: Logger;
  hooks?: Hooks;
}

const FLAT_AUTH_FIELDS = [
  "token",
  "apiKey",
  "apiKeyHeader",
  "apiKeyQueryParam",
  "username",
  "password",
  "clientId",
  "clientSecret",
  "tokenUrl",
  "scopes",
  "audience",
  "clientAuth",
] as const;

function authFrom(options: ApikitOptions): AuthConfigInput {
  const { auth } = options;
  if (auth !== undefined && typeof auth === "object") return auth;
  const type =
    auth ??
    (options.token
      ? "bearer"
      : options.apiKey
        ? "apikey"
        : options.username
          ? "basic"
          : options.clientId || options.tokenUrl
            ? "oauth2"
            : "none");
  switch (type) {
    case "none":
      return { type };
    case "bearer":
      return { type, token: options.token ?? "" };
    case "apikey":
      return {
        type,
        apiKey: options.apiKey ?? "",
        ...(options.apiKeyHeader ? { header: options.apiKeyHeader } : {}),
        ...(options.apiKeyQueryParam ? { queryParam: options.apiKeyQueryParam } : {}),
      };
    case "basic":
      return { type, username: options.username ?? "", password: options.password ?? "" };
    case "oauth2":
      return {
        type,
        clientId: options.clientId ?? "",
        clientSecret: options.clientSecret ?? "",
        tokenUrl: options.tokenUrl as string,
        ...(options.scopes ? { scopes: options.scopes } : {}),
        ...(options.audience ? { audience: options.audience } : {}),
        ...(options.clientAuth ? { clientAuth: options.clientAuth } : {}),
      };
    default:
      throw new ConfigError(
        `Invalid client options:\n  - auth: unknown auth type "${String(type)}" (use none, bearer, apikey, basic or oauth2)`,
        [{ path: "auth", message: `unknown auth type "${String(type)}"` }],
      );
  }
}

export function normalizeOptions(options: ApikitOptions): ApiConfig {
  if (options === null || typeof options !== "object") {
    throw new ConfigError("Invalid client options: expected an object with at least baseUrl", [
      { path: "(root)", message: "expected an object" },
    ]);
  }
  const { logger: _logger, hooks: _hooks, maxRetries, auth: _auth, ...rest } = options;
  const config: Record<string, unknown> = { ...rest, auth: authFrom(options) };
  for (const field of FLAT_AUTH_FIELDS) delete config[field];
  if (maxRetries !== undefined) config.retry = { ...(options.retry ?? {}), maxRetries };
  return parseConfig(ApiConfig, config satisfies Record<string, unknown> as ApiConfigInput, "client options");
}
