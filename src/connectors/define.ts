// defineConnector(): wraps a connector's config builder with option checking (unknown names, missing
// required options, defaults), so each built-in only says how its options shape the config.
import { type CredentialField, envNamesFor } from "../config/index.js";
import { ConfigError, type ConfigIssue } from "../errors.js";
import type {
  ConnectorAuthType,
  ConnectorConfig,
  ConnectorDefinition,
  ConnectorNeed,
  ConnectorTokenUse,
  ConnectorUrls,
} from "./types.js";

export interface ConnectorSpec extends Omit<ConnectorDefinition, "config"> {
  /**
   * Builds the config from options that are known, trimmed, non-empty and defaulted. A URL in `urls`
   * replaces the one the options would build; an option only needed for it may then be missing.
   */
  build(options: Readonly<Record<string, string>>, urls: Readonly<ConnectorUrls>): ConnectorConfig;
}

export function defineConnector(spec: ConnectorSpec): ConnectorDefinition {
  const { build, ...definition } = spec;
  return Object.freeze({
    ...definition,
    config: (options: Record<string, string> = {}, urls: ConnectorUrls = {}) =>
      build(resolveOptions(definition, options, urls), urls),
  });
}

function resolveOptions(
  connector: Omit<ConnectorDefinition, "config">,
  given: Record<string, string>,
  urls: ConnectorUrls,
): Record<string, string> {
  const declared = connector.options ?? {};
  const known = Object.keys(declared);
  const issues: ConfigIssue[] = [];
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(given ?? {})) {
    if (!(name in declared)) {
      const hint = known.length > 0 ? `known options: ${known.join(", ")}` : "it takes no options";
      issues.push({ path: name, message: `unknown option for the ${connector.name} connector (${hint})` });
    } else if (value !== undefined && value !== null && String(value).trim() !== "") {
      resolved[name] = String(value).trim();
    }
  }
  // With an access token of the caller's, no token URL is needed: baseUrl alone replaces the option.
  const needed = (given: readonly ("baseUrl" | "tokenUrl")[]) =>
    given.filter((url) => !(url === "tokenUrl" && urls.accessToken));
  for (const [name, option] of Object.entries(declared)) {
    if (resolved[name] !== undefined) continue;
    if (option.default !== undefined) resolved[name] = option.default;
    else if (
      option.required &&
      !(option.unlessGiven && needed(option.unlessGiven).every((url) => urls[url]))
    ) {
      const instead = option.unlessGiven ? ` (or give ${needed(option.unlessGiven).join(" and ")})` : "";
      issues.push({
        path: name,
        message: `the ${connector.name} connector needs the option ${name}: ${option.description}${instead}`,
      });
    }
  }
  if (issues.length > 0) {
    const lines = issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n");
    throw new ConfigError(`Invalid options for the ${connector.name} connector:\n${lines}`, issues);
  }
  return resolved;
}

/**
 * A host from a short name or a host: "acme" → "acme.<suffix>"; "acme.example.com" or
 * "https://acme.example.com/" are kept as the host they name.
 */
export function hostOption(connector: string, option: string, value: string, suffix: string): string {
  const host = value
    .replace(/^https?:\/\//i, "")
    .replace(/\/.*$/, "")
    .toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
    throw new ConfigError(
      `Invalid options for the ${connector} connector:\n  - ${option}: "${value}" is not a host name`,
      [{ path: option, message: `"${value}" is not a host name` }],
    );
  }
  return host.includes(".") ? host : `${host}.${suffix}`;
}

/** Checks an option against a pattern, naming the expected form on failure. */
export function checkOption(
  connector: string,
  option: string,
  value: string,
  pattern: RegExp,
  expected: string,
): string {
  if (pattern.test(value)) return value;
  const message = `"${value}" is not ${expected}`;
  throw new ConfigError(`Invalid options for the ${connector} connector:\n  - ${option}: ${message}`, [
    { path: option, message },
  ]);
}

/** The credential fields each auth type needs. */
export const AUTH_CREDENTIALS: Readonly<Record<ConnectorAuthType, readonly CredentialField[]>> = {
  none: [],
  bearer: ["token"],
  apikey: ["apiKey"],
  basic: ["username", "password"],
  oauth2: ["clientId", "clientSecret"],
};

const DEFAULT_TOKEN_USE: Readonly<Record<ConnectorAuthType, ConnectorTokenUse | undefined>> = {
  none: undefined,
  bearer: "token",
  apikey: "apiKey",
  basic: "username:password",
  oauth2: "accessToken",
};

/** What fromName's `token` is for this connector (its tokenAs, else the default of its auth type). */
export function tokenUse(
  connector: Pick<ConnectorDefinition, "authType" | "tokenAs">,
): ConnectorTokenUse | undefined {
  return connector.tokenAs ?? DEFAULT_TOKEN_USE[connector.authType];
}

/**
 * The environment variables a connector names for a credential field: the ones it declares, else the
 * `<NAME>_TOKEN` (`<NAME>_API_KEY`, ...) the credential chain tries for any connector.
 */
export function credentialEnv(
  connector: Pick<ConnectorDefinition, "name" | "credentials">,
  field: CredentialField,
): string[] {
  const declared = [connector.credentials[field] ?? []].flat();
  return declared.length > 0 ? declared : envNamesFor({ field, connector: connector.name }).slice(0, 1);
}

/**
 * The required options and the secrets a connector needs, with the env vars holding each, under the
 * names fromName takes: the secret `token` fills is listed as token (shopify's apiKey, jira's password).
 */
export function connectorNeeds(connector: ConnectorDefinition): ConnectorNeed[] {
  const needs: ConnectorNeed[] = [];
  for (const [name, option] of Object.entries(connector.options ?? {})) {
    if (!option.required || option.default !== undefined) continue;
    const given = option.unlessGiven ?? [];
    const note =
      given.length > 0 ? `unless ${given.join(" and ")} ${given.length > 1 ? "are" : "is"} given` : undefined;
    needs.push({ name, kind: "option", env: [], ...(note ? { note } : {}) });
  }
  const fields = AUTH_CREDENTIALS[connector.authType] ?? [];
  const use = tokenUse(connector);
  const secret = (name: string, field: CredentialField, note?: string): ConnectorNeed => ({
    name,
    kind: "secret",
    env: credentialEnv(connector, field),
    ...(note ? { note } : {}),
  });
  if (use === "username:password") {
    needs.push(secret("token", "password", 'or "username:token" in one'));
    needs.push(secret("username", "username", 'unless the token is "username:token"'));
  } else {
    for (const field of fields) needs.push(secret(field === use ? "token" : field, field));
    if (use === "accessToken" && fields.length > 0) {
      needs.push({
        name: "token",
        kind: "secret",
        env: [],
        note: `instead of ${fields.join(" and ")}: an access token already obtained, passed as { token }`,
      });
    }
  }
  return needs;
}
