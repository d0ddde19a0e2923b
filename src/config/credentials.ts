// Where a secret comes from, first hit wins: an explicit option → the environment → `.env` in the
// working directory → `~/.netrc` (machine <api host>) → the OS keyring (through the config manager).
// The debug log says where each credential came from, never its value.
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import type { Logger } from "../base/index.js";
import { ConfigError } from "../errors.js";

export type CredentialField = "token" | "apiKey" | "username" | "password" | "clientId" | "clientSecret";

/** Environment variable suffixes per field: APIKIT_<SUFFIX> and <CONNECTOR>_<SUFFIX>. */
const ENV_SUFFIX: Record<CredentialField, string> = {
  token: "TOKEN",
  apiKey: "API_KEY",
  username: "USERNAME",
  password: "PASSWORD",
  clientId: "CLIENT_ID",
  clientSecret: "CLIENT_SECRET",
};

export interface SecretStore {
  /** The secret saved for a connector's field, if any (the OS keyring or the config file). */
  getSecret(connector: string, field: CredentialField): string | undefined | Promise<string | undefined>;
}

export interface CredentialQuery {
  field: CredentialField;
  /** The connector or config name, e.g. "github" (for <NAME>_TOKEN and the keyring account). */
  connector?: string | undefined;
  /** Extra environment variable names to try first (a connector's conventional one, e.g. STRIPE_API_KEY). */
  envNames?: readonly string[] | undefined;
  /** The API host, for ~/.netrc. */
  host?: string | undefined;
  explicit?: string | undefined;
}

export interface CredentialContext {
  env?: NodeJS.ProcessEnv;
  /** Where `.env` is looked for. Default: the working directory. */
  cwd?: string;
  /** Where `.netrc` is looked for. Default: the home directory (or $NETRC as a full path). */
  home?: string;
  store?: SecretStore | undefined;
  logger?: Logger | undefined;
}

export interface ResolvedCredential {
  value: string;
  /** Where it came from, for logs: "option", "environment variable GITHUB_TOKEN", ".env (GITHUB_TOKEN)", ... */
  source: string;
}

/** The environment variable names tried for a field, most specific first. */
export function envNamesFor(query: CredentialQuery): string[] {
  const suffix = ENV_SUFFIX[query.field];
  const names = [...(query.envNames ?? [])];
  if (query.connector) names.push(`${query.connector.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_${suffix}`);
  if (query.field === "token" || query.field === "apiKey") names.push(`APIKIT_${suffix}`);
  return [...new Set(names)];
}

export async function resolveCredential(
  query: CredentialQuery,
  context: CredentialContext = {},
): Promise<ResolvedCredential | undefined> {
  let found = findLocalCredential(query, context);
  if (!found && query.connector && context.store) {
    const value = await context.store.getSecret(query.connector, query.field);
    if (value)
      found = { value, source: `the saved connector "${query.connector}" (OS keyring or config file)` };
  }
  return logged(query, context, found);
}

/**
 * The chain without its last step: option → environment → .env → ~/.netrc, read synchronously, for
 * the Apikit constructor. The OS keyring is asynchronous, so it stays with resolveCredential.
 */
export function resolveCredentialSync(
  query: CredentialQuery,
  context: Omit<CredentialContext, "store"> = {},
): ResolvedCredential | undefined {
  return logged(query, context, findLocalCredential(query, context));
}

function logged(
  query: CredentialQuery,
  context: CredentialContext,
  found: ResolvedCredential | undefined,
): ResolvedCredential | undefined {
  if (found) context.logger?.debug(`credential ${describe(query)} from ${found.source}`);
  return found;
}

function findLocalCredential(
  query: CredentialQuery,
  context: CredentialContext,
): ResolvedCredential | undefined {
  if (query.explicit) return { value: query.explicit, source: "option" };
  const env = context.env ?? process.env;
  const names = envNamesFor(query);
  for (const name of names) {
    const value = env[name];
    if (value) return { value, source: `environment variable ${name}` };
  }
  const dotenvPath = join(context.cwd ?? process.cwd(), ".env");
  const dotenv = names.length > 0 ? readDotenv(dotenvPath) : {};
  for (const name of names) {
    const value = dotenv[name];
    if (value) return { value, source: `${dotenvPath} (${name})` };
  }
  if (query.host && (query.field === "token" || query.field === "password" || query.field === "username")) {
    const netrcPath = env.NETRC ?? join(context.home ?? homedir(), ".netrc");
    const entry = readNetrc(netrcPath, query.host);
    const value = query.field === "username" ? entry?.login : entry?.password;
    if (value) return { value, source: `${netrcPath} (machine ${query.host})` };
  }
  return undefined;
}

/** Like resolveCredential, but a missing credential is a ConfigError that says where it looked. */
export async function requireCredential(
  query: CredentialQuery,
  context: CredentialContext = {},
): Promise<ResolvedCredential> {
  const found = await resolveCredential(query, context);
  if (found) return found;
  const places = [
    `an environment variable (${envNamesFor(query).join(" or ")})`,
    `${join(context.cwd ?? process.cwd(), ".env")}`,
    ...(query.host && (query.field === "token" || query.field === "password")
      ? [`~/.netrc (machine ${query.host})`]
      : []),
    ...(query.connector ? [`the OS keyring (apikit config add ${query.connector})`] : []),
  ];
  throw new ConfigError(`${describe(query)} is missing: looked in ${places.join(", ")}`, [
    { path: `auth.${query.field}`, message: "missing" },
  ]);
}

function describe(query: CredentialQuery): string {
  return `${query.connector ? `${query.connector} ` : ""}${query.field}`;
}

function readDotenv(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {};
  }
  return parseEnv(text) as Record<string, string>;
}

interface NetrcEntry {
  login?: string;
  password?: string;
}

/**
 * The entry for `host` in a netrc file (or `default`). A file others can read is refused: it holds
 * passwords, and curl, ftp and git expect it private too.
 */
export function readNetrc(path: string, host: string): NetrcEntry | undefined {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return undefined;
  }
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    throw new ConfigError(
      `${path} can be read by other users (mode ${(mode & 0o777).toString(8)}); it holds passwords, so apikit will not use it. Run: chmod 600 ${path}`,
      [{ path: "netrc", message: "readable by others" }],
    );
  }
  return parseNetrc(readFileSync(path, "utf8"), host);
}

/** netrc tokens: `machine h login l password p`, `default ...`, `macdef` blocks skipped, # comments. */
export function parseNetrc(text: string, host: string): NetrcEntry | undefined {
  const tokens: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*#/.test(line)) continue;
    const words = line.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
    for (const word of words)
      tokens.push(word.startsWith('"') ? word.slice(1, -1).replace(/\\(.)/g, "$1") : word);
    if (words[0] === "macdef") {
      // A macro runs until an empty line.
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== "") i++;
      tokens.length = Math.max(0, tokens.length - words.length);
    }
  }
  let match: NetrcEntry | undefined;
  let fallback: NetrcEntry | undefined;
  let current: NetrcEntry | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === "machine") {
      current = {};
      if (tokens[i + 1] === host && !match) match = current;
      i++;
    } else if (token === "default") {
      current = {};
      fallback ??= current;
    } else if (current && (token === "login" || token === "password" || token === "account")) {
      const value = tokens[i + 1];
      i++;
      if (value !== undefined && token !== "account") current[token] = value;
    }
  }
  return match ?? fallback;
}
