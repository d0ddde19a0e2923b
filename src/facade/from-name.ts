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
  connectors as builtins,
  type ConnectorDefinition,
  type ConnectorRegistry,
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

/** The secret (or identifying) fields each auth type needs. */
const NEEDS: Record<string, CredentialField[]> = {
  none: [],
  bearer: ["token"],
  apikey: ["apiKey"],
  basic: ["username", "password"],
  oauth2: ["clientId", "clientSecret"],
};

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

export async function resolveNamed(name: string, overrides: FromNameOptions): Promise<ApikitOptions> {
  const registry = overrides.registry ?? builtins;
  const manager = new ConfigManager(overrides.configPath ? { path: overrides.configPath } : {});
  const logger = overrides.logger;
  let base: Omit<ApiConfigInput, "auth"> & { auth?: Record<string, unknown> };
  let envNames: ConnectorDefinition["credentials"] = {};
  if (registry.has(name)) {
    const connector = registry.get(name);
    // A baseUrl (and tokenUrl) of the caller's replaces the one the connector builds, so an option that
    // only builds it (shopify's storeDomain, jira's siteDomain, salesforce's myDomain) is not needed.
    base = connector.config(overrides.options ?? {}, {
      baseUrl: overrides.baseUrl,
      tokenUrl: overrides.tokenUrl,
    });
    envNames = connector.credentials;
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
  const auth: Record<string, unknown> = { type: "none", ...(base.auth ?? {}) };
  const type = String(auth.type);
  applyAuthOverrides(name, type, auth, overrides);
  const baseUrl = overrides.baseUrl ?? base.baseUrl;
  const host = new URL(baseUrl).hostname;
  const store = quietStore(manager, logger);
  for (const field of NEEDS[type] ?? []) {
    const explicit = (overrides[field as keyof FromNameOptions] as string | undefined) ?? undefined;
    // A non-secret field already saved with the connector (a basic username, an oauth2 client id) counts.
    if (!explicit && typeof auth[field] === "string" && auth[field] !== "") continue;
    const found = await requireCredential(
      { field, connector: name, host, explicit, envNames: [envNames[field] ?? []].flat() },
      { env: overrides.env, cwd: overrides.cwd, store, logger },
    );
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
