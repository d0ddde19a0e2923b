// The facade's options, normalised once at the edge (as ky does): flat iki-apikit-style names
// (token, apiKey, maxRetries, ...) fold into one validated ApiConfig, and a secret the named auth type
// needs but the options leave out comes from the credential chain (environment, .env, ~/.netrc).

import { join } from "node:path";
import { z } from "zod";
import {
  ApiConfig,
  type ApiConfigInput,
  AuthConfig,
  type AuthConfigInput,
  type CredentialField,
  FLAT_AUTH,
  impliedAuthType,
  parseConfig,
  resolveCredentialSync,
  withCurrentNames,
} from "../config/index.js";
import { ConfigError, type ConfigIssue } from "../errors.js";
import { chooseLogger, type Hooks, type Logger, type RateGate } from "../http/index.js";

/** iki-apikit's flat auth fields: folded into `auth` by the type they name (or imply). */
const flatAuthOptions = () =>
  z.object({
    token: z.string(),
    apiKey: z.string(),
    /** Header carrying the API key (default X-API-Key). */
    apiKeyHeader: z.string(),
    /** Send the API key as this query parameter instead of a header. */
    apiKeyQueryParam: z.string(),
    username: z.string(),
    password: z.string(),
    /** OAuth2 client credentials. */
    clientId: z.string(),
    clientSecret: z.string(),
    tokenUrl: z.string(),
    scopes: z.array(z.string()),
    audience: z.string(),
    clientAuth: z.enum(["client_secret_post", "client_secret_basic"]),
  });

/**
 * The client's options: everything ApiConfig takes (baseUrl, headers, timeout, retry, pagination,
 * rateLimit, concurrency, ...), with auth also given as a type and the flat fields, plus what only
 * a live client has (logger, hooks, where to look for secrets). Typed from the schema, checked by
 * ApiConfig once the flat fields are folded. Only its type is used, so the schema is built by a
 * function nothing calls: importing apikit pays nothing for it.
 */
const apikitOptionsSchema = () =>
  ApiConfig.omit({ auth: true }).extend({
    /** An auth type ("none" | "bearer" | "apikey" | "basic" | "oauth2") with the flat fields, or a full AuthConfig. */
    auth: z.union([z.enum(["none", "bearer", "apikey", "basic", "oauth2"]), AuthConfig]).optional(),
    ...flatAuthOptions().partial().shape,
    /** Shorthand for retry.maxRetries. */
    maxRetries: z.int().min(0).optional(),
    /** Any { debug, info, warn, error }; false for none. Default: warnings and errors on stderr (APIKIT_LOG_LEVEL). */
    logger: z.custom<Logger | false>().optional(),
    hooks: z.custom<Hooks>().optional(),
    /** A rate gate shared with other clients (the cluster's Redis budget); every attempt passes it. */
    rateGate: z.custom<RateGate>().optional(),
    /**
     * Where a secret the options leave out is looked for (APIKIT_TOKEN, APIKIT_API_KEY, $NETRC).
     * Default: process.env.
     */
    env: z.custom<NodeJS.ProcessEnv>().optional(),
    /** Where `.env` is looked for. Default: the working directory. */
    cwd: z.string().optional(),
  });
export type ApikitOptions = z.input<ReturnType<typeof apikitOptionsSchema>>;

type FlatAuthField = keyof ReturnType<typeof flatAuthOptions>["shape"];
/** The flat auth fields, as config/spelling.ts names them for addConnector and iki-apikit's tables. */
export const FLAT_AUTH_FIELDS = Object.keys(FLAT_AUTH) as (keyof typeof FLAT_AUTH)[];
// The constructor's flat options and the config's list are the same set (a compile error names a difference).
const _sameFlatFields: [
  Exclude<FlatAuthField, keyof typeof FLAT_AUTH>,
  Exclude<keyof typeof FLAT_AUTH, FlatAuthField>,
] extends [never, never]
  ? true
  : never = true;

function authFrom(options: ApikitOptions): AuthConfigInput {
  const { auth } = options;
  if (auth !== undefined && auth !== null && typeof auth === "object") {
    // Both ways at once would leave the flat fields silently unused.
    const flat = FLAT_AUTH_FIELDS.filter((field) => options[field] !== undefined);
    if (flat.length > 0) {
      throw new ConfigError(
        `Invalid client options:\n  - ${flat[0]}: given beside an auth object; put it inside auth (auth: { type, ... }) or give auth as a type ("${auth.type}")`,
        flat.map((field) => ({ path: field, message: "given beside an auth object" })),
      );
    }
    return auth;
  }
  const type = auth ?? impliedAuthType(options) ?? "none";
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

/**
 * The fields of each auth type that may come from outside the options: the environment (APIKIT_TOKEN,
 * APIKIT_API_KEY), `.env`, and ~/.netrc for the baseUrl's host (password = token, login = username).
 * oauth2 has no such place without a connector name (fromName has one), and the keyring is async.
 */
const CHAIN_FIELDS: Partial<Record<string, readonly CredentialField[]>> = {
  bearer: ["token"],
  apikey: ["apiKey"],
  basic: ["username", "password"],
};

/**
 * Fills what the named auth type needs and the options leave out, from the credential chain (an
 * explicit option always wins); returns where it looked for what is still missing, per issue path.
 */
function withChainCredentials(
  auth: AuthConfigInput,
  options: ApikitOptions,
): { auth: AuthConfigInput; looked: Map<string, string> } {
  const looked = new Map<string, string>();
  // A malformed auth (null, no type) is left for the schema to name.
  const fields = (auth && typeof auth === "object" && CHAIN_FIELDS[auth.type]) || [];
  if (fields.length === 0) return { auth, looked };
  const filled: Record<string, unknown> = { ...auth };
  const host = hostOf(options.baseUrl);
  const context = { env: options.env, cwd: options.cwd, logger: chooseLogger(options.logger, options.env) };
  for (const field of fields) {
    if (typeof filled[field] === "string" && filled[field] !== "") continue;
    const found = resolveCredentialSync({ field, host }, context);
    if (found) filled[field] = found.value;
    else looked.set(`auth.${field}`, placesFor(field, host, options));
  }
  return { auth: filled as AuthConfigInput, looked };
}

function hostOf(baseUrl: unknown): string | undefined {
  if (typeof baseUrl !== "string") return undefined;
  try {
    return new URL(baseUrl).hostname || undefined;
  } catch {
    return undefined;
  }
}

function placesFor(field: CredentialField, host: string | undefined, options: ApikitOptions): string {
  const env = field === "token" ? "APIKIT_TOKEN" : field === "apiKey" ? "APIKIT_API_KEY" : undefined;
  const dotenv = env ? join(options.cwd ?? process.cwd(), ".env") : undefined;
  const netrcPath = (options.env ?? process.env).NETRC ?? "~/.netrc";
  const netrc = host && field !== "apiKey" ? `${netrcPath} (machine ${host})` : undefined;
  return [`the option ${field}`, env, dotenv, netrc].filter(Boolean).join(", ");
}

/** The ConfigError again, each missing credential saying where it was looked for. */
function sayWhereLooked(error: ConfigError, looked: Map<string, string>): ConfigError {
  if (looked.size === 0) return error;
  const issues: ConfigIssue[] = error.issues.map((issue) => {
    const places = looked.get(issue.path);
    return places ? { ...issue, message: `${issue.message}; looked in ${places}` } : issue;
  });
  const lines = issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n");
  return new ConfigError(`Invalid client options:\n${lines}`, issues);
}

export function normalizeOptions(options: ApikitOptions): ApiConfig {
  if (options === null || typeof options !== "object") {
    throw new ConfigError("Invalid client options: expected an object with at least baseUrl", [
      { path: "(root)", message: "expected an object" },
    ]);
  }
  const {
    logger: _logger,
    hooks: _hooks,
    rateGate: _gate,
    env: _env,
    cwd: _cwd,
    maxRetries,
    auth: _auth,
    ...rest
  } = options;
  const { auth, looked } = withChainCredentials(authFrom(options), options);
  const config: Record<string, unknown> = { ...rest, auth };
  for (const field of FLAT_AUTH_FIELDS) delete config[field];
  if (maxRetries !== undefined) config.retry = { ...(options.retry ?? {}), maxRetries };
  try {
    return parseConfig(
      ApiConfig,
      withCurrentNames(config) satisfies Record<string, unknown> as ApiConfigInput,
      "client options",
    );
  } catch (error) {
    throw error instanceof ConfigError ? sayWhereLooked(error, looked) : error;
  }
}
