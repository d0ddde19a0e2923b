// An ApiConfig that prints with its secrets as [REDACTED] (client.config, ConfigManager.getApiConfig):
// the object keeps them, since they are what it connects with; only its printed forms leave them out.
// The redaction rules are the transport's (base/redact.ts), so printing and logs agree.
import { createRedactor, isSecretHeader, REDACTED, type Redactor } from "../base/index.js";
import { printAs } from "../util/printable.js";
import type { ApiConfig } from "./schemas.js";

/**
 * Auth fields that name or locate a credential without being one. Every other auth field prints as
 * [REDACTED], so a secret field added later is hidden without anyone remembering to list it.
 */
const SHOWN_AUTH_FIELDS = new Set([
  "type",
  "header",
  "queryParam",
  "username",
  "clientId",
  "tokenUrl",
  "scopes",
  "audience",
  "clientAuth",
  "instanceUrlFromToken",
]);

/** A copy of `config` (and of its auth and headers) whose util.inspect and JSON show no secret. */
export function redactWhenPrinted(config: ApiConfig): ApiConfig {
  const copy: ApiConfig = { ...config, auth: { ...config.auth }, headers: { ...config.headers } };
  // Each view is built when printed, so it shows the config as it is then.
  printAs(copy.auth, () => printedView(copy).auth);
  printAs(copy.headers, () => printedView(copy).headers);
  return printAs(copy, () => printedView(copy));
}

/**
 * A base URL as configured (redactUrl would add a trailing slash to a bare origin), unless it has
 * userinfo or a query string, where credentials sit; secret values anywhere in it are replaced too.
 */
export function redactBaseUrl(baseUrl: string, redactor: Redactor): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return redactor.redactUrl(baseUrl);
  }
  return url.username || url.password || url.search ? redactor.redactUrl(url) : redactor.redactText(baseUrl);
}

function printedView(config: ApiConfig) {
  const auth: Record<string, unknown> = config.auth;
  const secrets = [
    ...Object.entries(auth).flatMap(([key, value]) =>
      SHOWN_AUTH_FIELDS.has(key) || typeof value !== "string" ? [] : [value],
    ),
    ...Object.entries(config.headers).flatMap(([name, value]) => (isSecretHeader(name) ? [value] : [])),
  ];
  const redactor = createRedactor({ secrets });
  const shownAuth = Object.fromEntries(
    Object.entries(auth).map(([key, value]) => [
      key,
      !SHOWN_AUTH_FIELDS.has(key)
        ? REDACTED
        : key === "tokenUrl" && typeof value === "string"
          ? redactor.redactUrl(value)
          : value,
    ]),
  );
  const shownHeaders = Object.fromEntries(
    Object.entries(config.headers).map(([name, value]) => [
      name,
      isSecretHeader(name) ? REDACTED : redactor.redactText(value),
    ]),
  );
  return {
    ...config,
    baseUrl: redactBaseUrl(config.baseUrl, redactor),
    auth: shownAuth,
    headers: shownHeaders,
  };
}
