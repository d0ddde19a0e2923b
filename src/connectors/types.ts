// The shape of a connector: a named, documented preset of an API's base URL, headers, auth type and
// pagination, with the secrets left for the caller to supply.
import type { ApiConfigInput, CredentialField } from "../config/index.js";

export type { CredentialField };

export type ConnectorAuthType = "none" | "bearer" | "apikey" | "basic" | "oauth2";

export interface ConnectorOption {
  description: string;
  required?: boolean;
  default?: string;
  /**
   * The URLs this option only serves to build: when the caller gives all of them (fromName's baseUrl,
   * tokenUrl), a required option may be left out.
   */
  unlessGiven?: readonly ("baseUrl" | "tokenUrl")[];
}

/** URLs the caller gives instead of having the connector build them from its options. */
export interface ConnectorUrls {
  baseUrl?: string | undefined;
  tokenUrl?: string | undefined;
  /**
   * The caller brings an access token (fromName's `token` where tokenAs is "accessToken"), so no token
   * URL is needed, given or built: an option that only builds it with baseUrl may be left out.
   */
  accessToken?: boolean | undefined;
}

/**
 * What fromName's `token` is for a connector (iki-apikit's connectors all take `token=`):
 * - a credential field: the token fills it (`"token"` for bearer, `"apiKey"` for shopify's header);
 * - `"username:password"`: both in one, split at the first ":" (jira's "email:api_token"); a token
 *   without ":" is the password alone, the username then coming from `username` or its env var;
 * - `"accessToken"`: an access token already obtained, sent as a bearer token to the connector's
 *   baseUrl instead of running its own flow (salesforce's OAuth2 client credentials).
 */
export type ConnectorTokenUse = CredentialField | "username:password" | "accessToken";

/** A required option or secret of a connector, as `apikit connectors` and fromName's errors name it. */
export interface ConnectorNeed {
  /** What to pass: an option (`storeDomain`) or a fromName field (`token`, `username`, `clientId`). */
  name: string;
  kind: "option" | "secret";
  /** The environment variables conventionally holding it (none for an option). */
  env: readonly string[];
  /** When it may be left out or what form it takes, e.g. "unless baseUrl is given". */
  note?: string;
}

/** An ApiConfigInput whose auth holds only the type and the fields that are not secret. */
export type ConnectorConfig = Omit<ApiConfigInput, "auth"> & {
  auth: { type: ConnectorAuthType; [field: string]: unknown };
};

export interface ConnectorDefinition {
  /** Lower-case, e.g. "github". */
  name: string;
  description: string;
  /** URL of the API's pagination docs the connector follows. */
  docs: string;
  authType: ConnectorAuthType;
  /**
   * Which credential fields the user must supply, and the env var conventionally holding each (e.g.
   * { token: "GITHUB_TOKEN" }), or several, tried in order, where the API's own tools use another name.
   */
  credentials: Partial<Record<CredentialField, string | readonly string[]>>;
  /**
   * What fromName's `token` fills. Default by auth type: bearer → "token", apikey → "apiKey", basic →
   * "username:password", oauth2 → "accessToken"; a connector without auth takes no token.
   */
  tokenAs?: ConnectorTokenUse;
  /** Per-account settings such as storeDomain, apiVersion or siteDomain. */
  options?: Record<string, ConnectorOption>;
  /**
   * Everything but the secrets. Throws ConfigError for a missing required or an unknown option. URLs in
   * `given` are used as they are, so an option that only builds them is not needed.
   */
  config(options?: Record<string, string>, given?: ConnectorUrls): ConnectorConfig;
}
