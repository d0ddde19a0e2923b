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
  unlessGiven?: readonly (keyof ConnectorUrls)[];
}

/** URLs the caller gives instead of having the connector build them from its options. */
export interface ConnectorUrls {
  baseUrl?: string | undefined;
  tokenUrl?: string | undefined;
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
  /** Per-account settings such as storeDomain, apiVersion or siteDomain. */
  options?: Record<string, ConnectorOption>;
  /**
   * Everything but the secrets. Throws ConfigError for a missing required or an unknown option. URLs in
   * `given` are used as they are, so an option that only builds them is not needed.
   */
  config(options?: Record<string, string>, given?: ConnectorUrls): ConnectorConfig;
}
