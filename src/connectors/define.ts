// defineConnector(): wraps a connector's config builder with option checking (unknown names, missing
// required options, defaults), so each built-in only says how its options shape the config.
import { ConfigError, type ConfigIssue } from "../errors.js";
import type { ConnectorConfig, ConnectorDefinition, ConnectorUrls } from "./types.js";

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
  for (const [name, option] of Object.entries(declared)) {
    if (resolved[name] !== undefined) continue;
    if (option.default !== undefined) resolved[name] = option.default;
    else if (option.required && !option.unlessGiven?.every((url) => urls[url])) {
      const instead = option.unlessGiven ? ` (or give ${option.unlessGiven.join(" and ")})` : "";
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
