// Apikit.fromName(): a client for a built-in connector or a saved one, with every secret resolved
// in order (option → environment → .env → ~/.netrc → OS keyring) and never written in code.
import {
  type ApiConfigInput,
  ConfigManager,
  type CredentialField,
  requireCredential,
  type SecretStore,
} from "../config/index.js";
import {
  AUTH_CREDENTIALS,
  connectors as builtins,
  type ConnectorAuthType,
  type ConnectorDefinition,
  type ConnectorRegistry,
  type ConnectorTokenUse,
  credentialEnv,
  tokenUse,
} from "../connectors/index.js";
import { ConfigError, ConnectorNotFoundError } from "../errors.js";
import type { Logger } from "../http/index.js";
import { closeMatches } from "../util/suggest.js";
import type { ApikitOptions } from "./options.js";

export interface FromNameOptions extends Partial<Omit<ApikitOptions, "auth">> {
  /** Connector settings, e.g. { storeDomain: "mystore" } for shopify. */
  options?: Record<string, string>;
  /** The config file to look in (default: $APIKIT_CONFIG_PATH or ~/.config/apikit/config.toml). */
  configPath?: string;
  /** The registry to look in first. Default: the built-in connectors. */
  registry?: ConnectorRegistry;
  /** Where `.env` is looked for. Default: the working directory. */
  cwd?: string;
  /** Environment to read credentials from. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Auth settings a caller may override, per auth type, with the field each becomes in the AuthConfig
 * (the flat option names are the constructor's: apiKeyHeader → header).
 */
const AUTH_OVERRIDES: Record<string, Record<string, string>> = {
  apikey: { apiKeyHeader: "header", apiKeyQueryParam: "queryParam" },
  oauth2: { tokenUrl: "tokenUrl", scopes: "scopes", audience: "audience", clientAuth: "clientAuth" },
};
const ALL_AUTH_OVERRIDES = [...new Set(Object.values(AUTH_OVERRIDES).flatMap((m) => Object.keys(m)))];

const CREDENTIAL_FIELDS: readonly CredentialField[] = [
  "token",
  "apiKey",
  "username",
  "password",
  "clientId",
  "clientSecret",
];

type Explicit = Partial<Record<CredentialField, string>>;

export async function resolveNamed(name: string, overrides: FromNameOptions): Promise<ApikitOptions> {
  const registry = overrides.registry ?? builtins;
  const manager = new ConfigManager(overrides.configPath ? { path: overrides.configPath } : {});
  const logger = overrides.logger || undefined;
  let base: Omit<ApiConfigInput, "auth"> & { auth?: Record<string, unknown> };
  let connector: ConnectorDefinition | undefined;
  if (registry.has(name)) {
    connector = registry.get(name);
    // A baseUrl (and tokenUrl) of the caller's replaces the one the connector builds, so an option that
    // only builds it (shopify's storeDomain, jira's siteDomain, salesforce's myDomain) is not needed;
    // nor is a token URL when the caller brings the access token.
    base = connector.config(overrides.options ?? {}, {
      baseUrl: overrides.baseUrl,
      tokenUrl: overrides.tokenUrl,
      accessToken: Boolean(overrides.token) && tokenUse(connector) === "accessToken",
    });
    logger?.debug(`connector ${name}: built in`);
  } else {
    try {
      base = (await manager.getConnector(name)) as typeof base;
      logger?.debug(`connector ${name}: from ${manager.path}`);
    } catch (error) {
      if (!(error instanceof ConnectorNotFoundError)) throw error;
      const saved = (await manager.listConnectors().catch(() => [])).map((c) => c.name);
      throw new ConnectorNotFoundError(
        name,
        closeMatches(name, [...registry.list().map((c) => c.name), ...saved]),
      );
    }
  }
  let auth: Record<string, unknown> = { type: "none", ...(base.auth ?? {}) };
  // A saved connector's token is read as a registered one's of the same auth type would be.
  const described = connector ?? {
    name,
    authType: String(auth.type) as ConnectorAuthType,
    credentials: {},
  };
  const use = tokenUse(described);
  const explicit = explicitCredentials(name, use, overrides);
  // An access token of the caller's is sent as it is, instead of the connector's own flow.
  if (use === "accessToken" && explicit.token) auth = { type: "bearer" };
  const type = String(auth.type);
  applyAuthOverrides(name, type, auth, overrides);
  const baseUrl = overrides.baseUrl ?? base.baseUrl;
  const host = new URL(baseUrl).hostname;
  const store = quietStore(manager, logger);
  const fields = [...(AUTH_CREDENTIALS[type as ConnectorAuthType] ?? [])];
  // The token (the password) first: when both are missing, the error names the token.
  if (use === "username:password") fields.reverse();
  for (const field of fields) {
    // A non-secret field already saved with the connector (a basic username, an oauth2 client id) counts.
    if (!explicit[field] && typeof auth[field] === "string" && auth[field] !== "") continue;
    const query = {
      field,
      connector: name,
      host,
      explicit: explicit[field],
      envNames: [connector?.credentials[field] ?? []].flat(),
    };
    const found = await requireCredential(query, {
      env: overrides.env,
      cwd: overrides.cwd,
      store,
      logger,
    }).catch((error: unknown) => {
      throw error instanceof ConfigError ? missingSecret(described, use, field, error) : error;
    });
    auth[field] = found.value;
  }
  const { options: _o, configPath: _c, registry: _r, cwd: _cwd, env: _env, ...rest } = overrides;
  for (const field of [...CREDENTIAL_FIELDS, ...ALL_AUTH_OVERRIDES])
    delete (rest as Record<string, unknown>)[field];
  return {
    ...(base as ApikitOptions),
    ...rest,
    baseUrl,
    headers: { ...(base.headers ?? {}), ...(overrides.headers ?? {}) },
    pagination: { ...(base.pagination ?? {}), ...(overrides.pagination ?? {}) },
    auth: auth as ApikitOptions["auth"],
  };
}

/**
 * The credentials the caller passed, with `token` put where the connector's tokenAs says (shopify's
 * apiKey; jira's "email:api_token" split into username and password). A token that contradicts another
 * credential passed with it, or one for a connector without auth, is a ConfigError.
 */
function explicitCredentials(
  name: string,
  use: ConnectorTokenUse | undefined,
  overrides: FromNameOptions,
): Explicit {
  const explicit: Explicit = {};
  for (const field of CREDENTIAL_FIELDS) {
    const value = overrides[field as keyof FromNameOptions];
    if (typeof value === "string" && value !== "") explicit[field] = value;
  }
  const token = explicit.token;
  if (token === undefined || use === "token") return explicit;
  delete explicit.token;
  if (use === undefined) throw invalid(name, "token", `the ${name} connector takes no token: it has no auth`);
  if (use === "accessToken") {
    const also = CREDENTIAL_FIELDS.filter((f) => explicit[f] !== undefined);
    if (also.length > 0) {
      throw invalid(
        name,
        "token",
        `pass either token (an access token already obtained) or ${also.join(" and ")}, not both`,
      );
    }
    return { token };
  }
  const parts: Explicit = use === "username:password" ? splitUserToken(name, token) : { [use]: token };
  for (const [field, value] of Object.entries(parts) as [CredentialField, string][]) {
    if (explicit[field] !== undefined && explicit[field] !== value)
      throw invalid(name, "token", `token and ${field} were both given and differ: pass one of them`);
    explicit[field] = value;
  }
  return explicit;
}

/** "username:token" split at the first ":"; a token without ":" is the password alone. */
function splitUserToken(name: string, token: string): Explicit {
  const colon = token.indexOf(":");
  if (colon < 0) return { password: token };
  const username = token.slice(0, colon);
  const password = token.slice(colon + 1);
  // Never the value in the message: it holds a secret.
  if (username === "" || password === "")
    throw invalid(
      name,
      "token",
      `"username:token" has an empty ${username === "" ? "username" : "token"} part`,
    );
  return { username, password };
}

function invalid(name: string, path: string, message: string): ConfigError {
  return new ConfigError(`Invalid options for the ${name} connector:\n  - ${path}: ${message}`, [
    { path, message },
  ]);
}

/**
 * A missing secret, as what to pass and what to set first (`the shopify connector needs a token: pass
 * { token } or set SHOPIFY_ACCESS_TOKEN`), then everywhere the chain looked.
 */
function missingSecret(
  connector: Pick<ConnectorDefinition, "name" | "credentials">,
  use: ConnectorTokenUse | undefined,
  field: CredentialField,
  error: ConfigError,
): ConfigError {
  const name = connector.name;
  const env = (f: CredentialField) => credentialEnv(connector, f).join(" or ");
  let first: string;
  if (use === "username:password" && field === "username") {
    first = `the ${name} connector needs a username to go with its token: pass the token as "username:token", or pass { username } or set ${env("username")}`;
  } else if (use === "username:password" && field === "password") {
    first = `the ${name} connector needs a token: pass { token: "username:token" } (or { token, username }) or set ${env("password")} and ${env("username")}`;
  } else {
    const option = field === use ? "token" : field;
    first = `the ${name} connector needs ${/^[aeiou]/i.test(option) ? "an" : "a"} ${option}: pass { ${option} } or set ${env(field)}`;
    if (use === "accessToken") first += " (or pass { token }: an access token already obtained)";
  }
  return new ConfigError(`${first}\n${error.message}`, error.issues);
}

/** The keyring as the last place to look: where there is none, that is "not found", not an error. */
function quietStore(manager: ConfigManager, logger: Logger | undefined): SecretStore {
  return {
    async getSecret(connector, field) {
      try {
        return await manager.getSecret(connector, field);
      } catch (error) {
        // No keyring on this machine is "not found"; a broken config file or a bad mode is reported.
        if (!/^No OS keyring is available/.test((error as Error).message)) throw error;
        logger?.debug(`keyring not consulted for ${connector}.${field}: none on this machine`);
        return undefined;
      }
    },
  };
}

/** The caller's auth settings win over the connector's; one its auth type has no use for is an error. */
function applyAuthOverrides(
  name: string,
  type: string,
  auth: Record<string, unknown>,
  overrides: FromNameOptions,
): void {
  const fields = AUTH_OVERRIDES[type] ?? {};
  for (const option of ALL_AUTH_OVERRIDES) {
    const value = overrides[option as keyof FromNameOptions];
    if (value === undefined) continue;
    const field = fields[option];
    if (field === undefined) {
      const message = `${option} does not apply to the "${name}" connector, whose auth is ${type}`;
      throw new ConfigError(`Invalid options for the ${name} connector:\n  - ${option}: ${message}`, [
        { path: option, message },
      ]);
    }
    auth[field] = value;
  }
}
