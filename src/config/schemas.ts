// zod schemas for every piece of configuration; the TypeScript types are inferred from them,
// so validation and types never drift.
import { z } from "zod";

const nonEmpty = (what: string) => z.string().min(1, `${what} must not be empty`);

/** An absolute http(s) URL with a host: anything else (no scheme, ftp:, "http:/x") is not one. */
function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    return new URL(value).hostname !== "";
  } catch {
    return false;
  }
}

/** The value as the message shows it: quoted, cut short, with any user:password@ masked. */
function shown(value: unknown): string {
  if (typeof value !== "string") return value === undefined ? "nothing" : `a ${typeof value}`;
  // Masked before it is cut, so that a long password is not cut just before its "@".
  const masked = value.replace(/^([^/?#]*\/\/)?[^/?#@]*@/, (_m, scheme = "") => `${scheme}***@`);
  return JSON.stringify(masked.length > 80 ? `${masked.slice(0, 80)}…` : masked);
}

/**
 * One check with one message, so that one mistake (a baseUrl without its scheme) is one error, with
 * the value that was given and the form that is expected.
 */
const httpUrl = (field: string, example: string, missing: string) => {
  const message = (input: unknown) =>
    input === undefined
      ? missing
      : `${field} must be an absolute http(s) URL, e.g. ${example}: got ${shown(input)}`;
  return z
    .string({ error: (issue) => message(issue.input) })
    .refine(isHttpUrl, { error: (issue) => message(issue.input) });
};

export const DEFAULT_RETRY_STATUSES = [408, 429, 500, 502, 503, 504] as const;

export const RetryConfig = z.strictObject({
  /** Retries after the first attempt (so `maxRetries: 5` means at most 6 attempts). */
  maxRetries: z.int().min(0).max(100).default(5),
  /** Base of the exponential backoff; the first wait is drawn from [0, initialDelayMs]. */
  initialDelayMs: z.number().min(0).default(1_000),
  /** Cap on one backoff wait. */
  maxDelayMs: z.number().min(0).default(60_000),
  /** Cap on the sum of all waits of one request; past it the request gives up. */
  maxTotalWaitMs: z.number().min(0).optional(),
  /**
   * A Retry-After longer than this is not waited for: the request fails at once with RateLimitError, and
   * so do the client's later requests while what is left of it is still longer.
   */
  maxRetryAfterMs: z.number().min(0).default(300_000),
  /** Statuses worth retrying (429 for every method; the others only for idempotent requests). */
  statusCodes: z.array(z.int().min(100).max(599)).default([...DEFAULT_RETRY_STATUSES]),
});
export type RetryConfig = z.infer<typeof RetryConfig>;
export type RetryConfigInput = z.input<typeof RetryConfig>;

export const PaginationStrategy = z.enum(["offset", "page", "cursor", "link", "none", "auto"]);
export type PaginationStrategy = z.infer<typeof PaginationStrategy>;

export const PaginationConfig = z.strictObject({
  strategy: PaginationStrategy.optional(),
  pageSize: z.int().positive().optional(),
  maxPages: z.int().positive().optional(),
  maxItems: z.int().positive().optional(),
  dataPath: z.string().optional(),
  offsetParam: nonEmpty("offsetParam").default("offset"),
  limitParam: nonEmpty("limitParam").default("limit"),
  pageParam: nonEmpty("pageParam").default("page"),
  startPage: z.int().min(0).default(1),
  totalPath: z.string().optional(),
  totalPagesPath: z.string().optional(),
  cursorParam: nonEmpty("cursorParam").default("cursor"),
  nextCursorPath: nonEmpty("nextCursorPath").default("next_cursor"),
  hasMorePath: z.string().optional(),
  cursorFromLastRecord: z.string().optional(),
  nextUrlPath: z.string().optional(),
  cursorIn: z.enum(["query", "body"]).default("query"),
  stopOnShortPage: z.boolean().default(false),
  /**
   * Empty pages in a row that still point to a next page before the pull fails with PaginationError
   * (empty pages mid-listing are followed; an endless run of them is not). Default 10.
   */
  maxEmptyPages: z.int().positive().optional(),
  /**
   * Ask for the next page while the current one is being processed (default true). false: no request
   * is sent before the consumer asks for its page (for APIs that bill per request).
   */
  readAhead: z.boolean().optional(),
  /**
   * When maxPages or maxItems stops a listing that has more: "truncate" (default) ends it there,
   * logs a warning and marks the last page `truncated`; "raise" throws a PaginationError instead
   * (iki-apikit's behaviour for max_pages).
   */
  onLimit: z.enum(["truncate", "raise"]).optional(),
});
export type PaginationConfig = z.infer<typeof PaginationConfig>;
export type PaginationConfigInput = z.input<typeof PaginationConfig>;

export const AuthConfig = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("none") }),
  z.strictObject({ type: z.literal("bearer"), token: nonEmpty("bearer auth needs a token: token") }),
  z
    .strictObject({
      type: z.literal("apikey"),
      apiKey: nonEmpty("apikey auth needs a key: apiKey"),
      header: z.string().min(1).optional(),
      queryParam: z.string().min(1).optional(),
    })
    .transform((a) => (a.header || a.queryParam ? a : { ...a, header: "X-API-Key" })),
  z.strictObject({
    type: z.literal("basic"),
    username: nonEmpty("basic auth needs a username: username"),
    password: nonEmpty("basic auth needs a password: password"),
  }),
  z.strictObject({
    type: z.literal("oauth2"),
    clientId: nonEmpty("oauth2 auth needs a client id: clientId"),
    clientSecret: nonEmpty("oauth2 auth needs a client secret: clientSecret"),
    tokenUrl: httpUrl(
      "tokenUrl",
      "https://auth.example.com/oauth/token",
      "oauth2 auth needs a token URL: tokenUrl",
    ),
    scopes: z.array(z.string().min(1)).optional(),
    audience: z.string().min(1).optional(),
    /** How the client authenticates to the token endpoint. Default client_secret_post. */
    clientAuth: z.enum(["client_secret_post", "client_secret_basic"]).default("client_secret_post"),
    /** Send API requests to the `instance_url` of the token response (Salesforce). */
    instanceUrlFromToken: z.boolean().optional(),
  }),
]);
export type AuthConfig = z.infer<typeof AuthConfig>;
export type AuthConfigInput = z.input<typeof AuthConfig>;
export type AuthType = AuthConfig["type"];

export const RateLimitConfig = z.strictObject({
  requestsPerSecond: z.number().positive(),
  burst: z.int().positive().optional(),
});
export type RateLimitConfig = z.infer<typeof RateLimitConfig>;

const BaseUrl = httpUrl(
  "baseUrl",
  "https://api.example.com/v1",
  "baseUrl is required, e.g. https://api.example.com/v1",
)
  // Trailing slashes are dropped so that "/api/v2/" + "/users" joins to "/api/v2/users". A loop, not
  // /\/+$/: that regex retries from every slash of a long run that does not end the string (quadratic).
  .transform((u) => {
    let end = u.length;
    while (end > 0 && u[end - 1] === "/") end--;
    return u.slice(0, end);
  });

export const ApiConfig = z.strictObject({
  baseUrl: BaseUrl,
  auth: AuthConfig.default({ type: "none" }),
  headers: z.record(z.string(), z.string()).default({}),
  /** Per-request timeout in ms, applied to connect, headers and body each. */
  timeoutMs: z.number().positive().default(30_000),
  /** @deprecated The same timeout under its old name (ms too): use `timeoutMs`. Read as timeoutMs. */
  timeout: z.number().positive().optional(),
  retry: RetryConfig.default(RetryConfig.parse({})),
  pagination: PaginationConfig.default(PaginationConfig.parse({})),
  verifySsl: z.boolean().default(true),
  rateLimit: RateLimitConfig.optional(),
  /** Hold requests when the server says this many requests or fewer remain in the window. */
  rateLimitThreshold: z.int().min(0).default(0),
  maxRedirects: z.int().min(0).max(20).default(5),
  /** Requests of this client in flight at once (parallel pages, read-ahead, fetchMany). Adaptive below it. */
  concurrency: z.int().min(1).max(64).default(4),
  /** Keep-alive connections per origin. */
  connections: z.int().positive().default(16),
  userAgent: z.string().optional(),
});
export type ApiConfig = z.infer<typeof ApiConfig>;
export type ApiConfigInput = z.input<typeof ApiConfig>;

/**
 * A config with its deprecated names moved to the current ones (`timeout` → `timeoutMs`, the same ms),
 * so the rest of apikit reads one name; the current name wins when both are given. A value that is not
 * valid is left under the name it was given, for the schema to report there.
 */
export function withCurrentNames<C extends { timeout?: unknown; timeoutMs?: unknown }>(config: C): C {
  const { timeout, ...rest } = config;
  if (typeof timeout !== "number" || !(timeout > 0)) return config;
  return { ...rest, timeoutMs: config.timeoutMs ?? timeout } as C;
}
