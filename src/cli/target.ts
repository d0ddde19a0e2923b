// What a command talks to: an absolute URL (`https://api.example.com/v1/items`) or a connector and a
// path (`github:/orgs/nodejs/repos`, a built-in or a saved one). Secrets come from the environment,
// .env, ~/.netrc or the keyring, never from argv.
import { Option } from "commander";
import {
  ApiConfig,
  Apikit,
  type ApikitOptions,
  consoleLogger,
  type FetchOptions,
  type Hooks,
  type Logger,
  PaginationStrategy,
  resolveCredential,
} from "../index.js";
import { UsageError } from "./report.js";

export interface TargetFlags {
  tokenEnv?: string;
  auth?: string;
  username?: string;
  apiKeyHeader?: string;
  apiKeyParam?: string;
  option?: string[];
  timeout?: number;
}

export interface Globals {
  verbose?: boolean;
  quiet?: boolean;
}

export interface Target {
  client: Apikit;
  /** Path (and query) to request, relative to the client's base URL. */
  path: string;
  /** "url" or the connector's name. */
  source: string;
}

export const collect = (value: string, previous: string[]) => [...previous, value];

export const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${name} must be a positive whole number, got "${value}"`);
  return n;
};

/** The client's request budget bounds (1 to 64), read from the config schema so the two never drift. */
const CONCURRENCY = ApiConfig.shape.concurrency.unwrap();

const concurrencyArg = (value: string) => {
  const n = positiveInt("--concurrency")(value);
  if (n > (CONCURRENCY.maxValue ?? n))
    throw new UsageError(`--concurrency must be at most ${CONCURRENCY.maxValue}, got "${value}"`);
  return n;
};

export function parsePairs(values: string[], separator: string, what: string): Array<[string, string]> {
  return values.map((pair) => {
    const at = pair.indexOf(separator);
    if (at <= 0) throw new UsageError(`${what} must look like name${separator}value, got "${pair}"`);
    return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
  });
}

/** The options every command that talks to an API shares. */
export function targetOptions(): Option[] {
  return [
    new Option(
      "--token-env <NAME>",
      "environment variable holding the token/key/password (default: APIKIT_TOKEN, .env, ~/.netrc)",
    ),
    new Option("--auth <type>", "auth type for a URL target").choices(["none", "bearer", "apikey", "basic"]),
    new Option("--username <name>", "basic auth user (the password comes from --token-env)"),
    new Option("--api-key-header <name>", "apikey auth: header carrying the key (default X-API-Key)"),
    new Option("--api-key-param <name>", "apikey auth: query parameter carrying the key"),
    new Option("--option <k=v>", "connector option, e.g. storeDomain=mystore (repeatable)")
      .argParser(collect)
      .default([]),
    new Option("--timeout <ms>", "per-request timeout in ms").argParser(positiveInt("--timeout")),
  ];
}

export function loggerFor(globals: Globals): Logger {
  return globals.verbose ? consoleLogger("debug") : consoleLogger(globals.quiet ? "error" : "warn");
}

const CONNECTOR_TARGET = /^([a-z0-9][a-z0-9_-]*):(\/.*)?$/i;

export async function openTarget(
  target: string,
  flags: TargetFlags & Pick<ListingFlags, "concurrency">,
  globals: Globals,
  hooks: Hooks = {},
): Promise<Target> {
  const logger = loggerFor(globals);
  let secret: string | undefined;
  if (flags.tokenEnv) {
    secret = process.env[flags.tokenEnv];
    if (!secret)
      throw new UsageError(`--token-env ${flags.tokenEnv}: that environment variable is empty or not set`);
  }
  const connector = CONNECTOR_TARGET.exec(target);
  if (connector && !/^https?$/i.test(connector[1]!)) {
    const [, name, path] = connector;
    const options = Object.fromEntries(parsePairs(flags.option ?? [], "=", "--option"));
    const client = await Apikit.fromName(name!, {
      options,
      logger,
      hooks,
      ...clientBudget(flags),
      // --token-env fills whichever secret the connector needs (token, key, password or client secret).
      ...(secret ? { token: secret, apiKey: secret, password: secret, clientSecret: secret } : {}),
      ...(flags.username ? { username: flags.username } : {}),
    });
    return { client, path: path ?? "/", source: name! };
  }
  let url: URL;
  try {
    url = new URL(target);
    if (!/^https?:$/.test(url.protocol)) throw new Error("not http");
  } catch {
    throw new UsageError(
      `"${target}" is neither an absolute http(s) URL nor connector:path (e.g. github:/orgs/nodejs/repos)`,
    );
  }
  const auth = flags.auth ?? (secret ? "bearer" : undefined);
  let options: Partial<ApikitOptions> = {};
  if (auth === undefined) {
    // Nothing said: a token from APIKIT_TOKEN, .env or ~/.netrc (machine <host>) makes it bearer.
    const found = await resolveCredential({ field: "token", host: url.hostname }, { logger });
    if (found) options = { auth: "bearer", token: found.value };
  } else if (auth !== "none") {
    if (!secret) {
      const found = await resolveCredential(
        { field: auth === "apikey" ? "apiKey" : auth === "basic" ? "password" : "token", host: url.hostname },
        { logger },
      );
      secret = found?.value;
    }
    if (!secret)
      throw new UsageError(`--auth ${auth} needs a secret: pass --token-env NAME (or set APIKIT_TOKEN)`);
    options = {
      ...secretFor(auth, secret, flags.username),
      ...(flags.apiKeyHeader ? { apiKeyHeader: flags.apiKeyHeader } : {}),
      ...(flags.apiKeyParam ? { apiKeyQueryParam: flags.apiKeyParam } : {}),
    };
  }
  const client = new Apikit({
    baseUrl: url.origin,
    ...options,
    ...clientBudget(flags),
    logger,
    hooks,
  });
  return { client, path: `${url.pathname}${url.search}`, source: "url" };
}

/** --timeout, and --concurrency as the client's budget too: the per-call value never exceeds it. */
function clientBudget(flags: TargetFlags & Pick<ListingFlags, "concurrency">): Partial<ApikitOptions> {
  return {
    ...(flags.timeout ? { timeout: flags.timeout } : {}),
    ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
  };
}

function secretFor(
  auth: string | undefined,
  secret: string,
  username: string | undefined,
): Partial<ApikitOptions> {
  switch (auth) {
    case "apikey":
      return { auth: "apikey", apiKey: secret };
    case "basic":
      if (!username)
        throw new UsageError("--auth basic needs --username (the password comes from --token-env)");
      return { auth: "basic", username, password: secret };
    case undefined:
      return { token: secret };
    default:
      return { auth: "bearer", token: secret };
  }
}

/** The flags of a command that pulls a listing: pagination, limits, parameters and headers. */
export interface ListingFlags {
  paginate?: boolean;
  strategy?: string;
  dataPath?: string;
  pageSize?: number;
  maxPages?: number;
  maxItems?: number;
  offsetParam?: string;
  limitParam?: string;
  pageParam?: string;
  cursorParam?: string;
  totalPath?: string;
  totalPagesPath?: string;
  param: string[];
  header: string[];
  concurrency?: number;
}

export function listingOptions(): Option[] {
  return [
    new Option("--strategy <name>", "pagination strategy").choices(PaginationStrategy.options),
    new Option("--data-path <path>", "dot path to the records in the response (e.g. data.items)"),
    new Option("--page-size <n>", "records per page").argParser(positiveInt("--page-size")),
    new Option("--max-pages <n>", "stop after this many pages").argParser(positiveInt("--max-pages")),
    new Option("--max-items <n>", "stop after this many records").argParser(positiveInt("--max-items")),
    new Option(
      "--concurrency <n>",
      `pages in flight at once (offset and page listings with a known total; default 4, at most ${CONCURRENCY.maxValue})`,
    ).argParser(concurrencyArg),
    new Option("--offset-param <name>", "offset strategy: the offset parameter (default offset)"),
    new Option("--limit-param <name>", "the page-size parameter (default limit)"),
    new Option("--page-param <name>", "page strategy: the page parameter (default page)"),
    new Option("--cursor-param <name>", "cursor strategy: the cursor parameter (default cursor)"),
    new Option("--total-path <path>", "dot path to the total record count (lets --concurrency fetch ahead)"),
    new Option("--total-pages-path <path>", "page strategy: dot path to the page count"),
    new Option("--param <k=v>", "query parameter (repeatable)").argParser(collect).default([]),
    new Option("--header <k:v>", "request header (repeatable)").argParser(collect).default([]),
  ];
}

/** Listing flags as the library's fetch options (pages are followed unless --no-paginate). */
export function listingFetchOptions(flags: ListingFlags): FetchOptions {
  const params: Record<string, string[]> = {};
  for (const [k, v] of parsePairs(flags.param ?? [], "=", "--param")) {
    params[k] ??= [];
    params[k].push(v);
  }
  return {
    params,
    headers: Object.fromEntries(parsePairs(flags.header ?? [], ":", "--header")),
    paginate: flags.paginate ?? true,
    ...(flags.strategy ? { strategy: flags.strategy as PaginationStrategy } : {}),
    ...(flags.dataPath ? { dataPath: flags.dataPath } : {}),
    ...(flags.pageSize ? { pageSize: flags.pageSize } : {}),
    ...(flags.maxPages ? { maxPages: flags.maxPages } : {}),
    ...(flags.maxItems ? { maxItems: flags.maxItems } : {}),
    ...(flags.offsetParam ? { offsetParam: flags.offsetParam } : {}),
    ...(flags.limitParam ? { limitParam: flags.limitParam } : {}),
    ...(flags.pageParam ? { pageParam: flags.pageParam } : {}),
    ...(flags.cursorParam ? { cursorParam: flags.cursorParam } : {}),
    ...(flags.totalPath ? { totalPath: flags.totalPath } : {}),
    ...(flags.totalPagesPath ? { totalPagesPath: flags.totalPagesPath } : {}),
    ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
  };
}
