// A saved connector in either spelling: apikit's camelCase tables, or iki-apikit's snake_case ones
// (flat `base_url`, `auth_type`, `token`, `api_key_header`, `timeout` in seconds, ...), which the
// config manager reads into the camelCase form it validates and writes back.
import type { TomlTable, TomlValue } from "smol-toml";
import type { z } from "zod";
import { ConfigError } from "../errors.js";
import { ApiConfig, AuthConfig, PaginationConfig, RateLimitConfig, RetryConfig } from "./schemas.js";

interface SchemaDef {
  type?: string;
  shape?: Record<string, unknown>;
  in?: unknown;
  options?: unknown[];
}

/** The keys an object schema knows (through a transform's input and a union's options). */
function keysOf(schema: unknown): string[] {
  const def = (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;
  if (!def) return [];
  if (def.type === "pipe") return keysOf(def.in);
  if (def.options) return [...new Set(def.options.flatMap(keysOf))];
  return def.shape ? Object.keys(def.shape) : [];
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** snake_case → camelCase for every key of `schema` (derived, so a new field reads in both). */
function snakeNames(schema: z.ZodType): Map<string, string> {
  return new Map(keysOf(schema).map((key) => [snake(key), key]));
}

/** The tables inside a connector's table, by either name, and the names each one knows. */
const TABLES = new Map([
  ["auth", "auth"],
  ["retry", "retry"],
  ["pagination", "pagination"],
  ["rateLimit", "rateLimit"],
  ["rate_limit", "rateLimit"],
]);
const NAMES = new Map([
  ["", snakeNames(ApiConfig)],
  ["auth", snakeNames(AuthConfig)],
  ["retry", snakeNames(RetryConfig)],
  ["pagination", snakeNames(PaginationConfig)],
  ["rateLimit", snakeNames(RateLimitConfig)],
]);

const seconds = (value: TomlValue): TomlValue => (typeof value === "number" ? value * 1000 : value);

interface Rule {
  /** Where it goes in the camelCase table ("timeout", "auth.header", ...). */
  to: string;
  value?: (value: TomlValue) => TomlValue | undefined;
}

/**
 * iki-apikit's flat auth fields, and the field of `auth` each one is. addConnector (and the Apikit
 * constructor) take them in camelCase beside `auth`; iki-apikit's tables keep them in snake_case.
 */
export const FLAT_AUTH = {
  token: "token",
  apiKey: "apiKey",
  apiKeyHeader: "header",
  apiKeyQueryParam: "queryParam",
  username: "username",
  password: "password",
  clientId: "clientId",
  clientSecret: "clientSecret",
  tokenUrl: "tokenUrl",
  scopes: "scopes",
  audience: "audience",
  clientAuth: "clientAuth",
} as const;

/**
 * The auth type that auth fields imply when none is named, as the Apikit constructor reads its flat
 * fields: a token is bearer, an apiKey apikey, a username basic, a clientId or tokenUrl oauth2.
 */
export function impliedAuthType(auth: Readonly<Record<string, unknown>>): string | undefined {
  if (auth.token) return "bearer";
  if (auth.apiKey) return "apikey";
  if (auth.username) return "basic";
  if (auth.clientId || auth.tokenUrl) return "oauth2";
  return undefined;
}

/** The flat fields of a connector (camelCase) and where each goes in its tables. */
export const FLAT_FIELDS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(FLAT_AUTH).map(([flat, field]) => [flat, `auth.${field}`])),
  authType: "auth.type",
  maxRetries: "retry.maxRetries",
};

/** iki-apikit's names that are not the snake_case of apikit's, or whose unit or meaning differs. */
const RULES = new Map<string, Rule>(
  Object.entries({
    // The flat fields, in both spellings (iki-apikit keeps the auth fields flat in the connector's table).
    ...Object.fromEntries(
      Object.entries(FLAT_FIELDS).flatMap(([flat, to]) => [
        [flat, { to }],
        [snake(flat), { to }],
      ]),
    ),
    "auth.api_key_header": { to: "auth.header" },
    "auth.api_key_query_param": { to: "auth.queryParam" },
    // Seconds in iki-apikit, milliseconds in apikit.
    timeout: { to: "timeout", value: seconds },
    "retry.min_wait": { to: "retry.initialDelayMs", value: seconds },
    "retry.max_wait": { to: "retry.maxDelayMs", value: seconds },
    // max_attempts counts the first attempt; maxRetries does not.
    "retry.max_attempts": {
      to: "retry.maxRetries",
      value: (v: TomlValue) => (typeof v === "number" ? Math.max(0, v - 1) : v),
    },
    "retry.retry_on_status": { to: "retry.statusCodes" },
    // false is maxRedirects = 0; true is apikit's default.
    follow_redirects: {
      to: "maxRedirects",
      value: (v: TomlValue) => (v === false ? 0 : v === true ? undefined : v),
    },
  } satisfies Record<string, Rule>),
);

/**
 * iki-apikit settings apikit has nothing for: its response cache, a name (the table's key is the
 * name), the retry jitter (apikit's backoff is full jitter), GraphQL paging variables (per call in
 * apikit). Dropped, rather than failing a connector that iki-apikit wrote.
 */
const DROPPED = new Set([
  "name",
  "cache",
  "retry.jitter",
  "pagination.graphql_after_var",
  "pagination.graphql_page_info_path",
]);

/** An own property even for a key such as "__proto__", which a plain assignment would not make one. */
function setOwn(table: TomlTable, key: string, value: TomlValue): void {
  Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true });
}

function isTable(value: unknown): value is TomlTable {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** A table in iki-apikit's layout (it always writes base_url and auth_type): its timeout is seconds. */
export function isSnakeCaseConnector(table: TomlTable): boolean {
  return "base_url" in table || "auth_type" in table;
}

/**
 * The connector's table in apikit's camelCase spelling, its flat auth fields (token, apiKey, ...) in
 * `auth`; keys neither spelling knows are kept as they are, for the schema to name. One setting given
 * twice (in both spellings, or flat and in `auth`) is a ConfigError about `what`, each path under `root`.
 */
export function camelCaseConnector(table: TomlTable, what: string, root?: string): TomlTable {
  const iki = isSnakeCaseConnector(table);
  const out: TomlTable = {};
  const from = new Map<string, string>();

  const put = (path: string, value: TomlValue | undefined, key: string) => {
    if (value === undefined) return;
    const earlier = from.get(path);
    if (earlier !== undefined) {
      const message = `${earlier} and ${key} are the same setting (${path}): keep one`;
      const at = root === undefined ? key : `${root}.${key}`;
      throw new ConfigError(`Invalid ${what}:\n  - ${at}: ${message}`, [{ path: at, message }]);
    }
    from.set(path, key);
    const dot = path.indexOf(".");
    if (dot < 0) {
      setOwn(out, path, value);
      return;
    }
    const head = path.slice(0, dot);
    if (!Object.hasOwn(out, head)) setOwn(out, head, {});
    // A non-table in its place (auth = "bearer") is left for the schema to report.
    const inner = out[head];
    if (isTable(inner)) setOwn(inner, path.slice(dot + 1), value);
  };

  const read = (scope: string, key: string, value: TomlValue, shown: string) => {
    const full = scope ? `${scope}.${key}` : key;
    // Top-level names are dropped only in iki-apikit's layout; nested ones are its alone.
    if (DROPPED.has(full) && (iki || scope)) return;
    // A camelCase table's timeout is already in milliseconds.
    const rule = full === "timeout" && !iki ? undefined : RULES.get(full);
    const name = NAMES.get(scope)?.get(key) ?? key;
    put(rule?.to ?? (scope ? `${scope}.${name}` : name), rule?.value ? rule.value(value) : value, shown);
  };

  for (const [key, value] of Object.entries(table)) {
    const scope = TABLES.get(key);
    if (scope && isTable(value)) {
      for (const [inner, v] of Object.entries(value)) read(scope, inner, v, `${key}.${inner}`);
    } else {
      read("", key, value, key);
    }
  }
  return out;
}
