// The connector registry: built-ins plus whatever an application registers, looked up by name
// (case-insensitively), with close-match suggestions when a name is unknown. Besides a defineConnector()
// result it takes iki-apikit's shapes: a plain definition object, or a function returning one.
import { z } from "zod";
import {
  ApiConfig,
  type CredentialField,
  PaginationConfig,
  type PaginationConfigInput,
  parseConfig,
} from "../config/index.js";
import { ConfigError, ConnectorNotFoundError } from "../errors.js";
import { closeMatches } from "../util/suggest.js";
import { BUILTIN_CONNECTORS } from "./builtin/index.js";
import { AUTH_CREDENTIALS, credentialEnv, defineConnector } from "./define.js";
import type { ConnectorAuthType, ConnectorDefinition } from "./types.js";

const NAME = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * iki-apikit's ConnectorDefinition, camelCase: a connector as data. Its credentials are read from
 * `<NAME>_TOKEN` (`<NAME>_API_KEY`, `<NAME>_USERNAME` and `<NAME>_PASSWORD`, ...) by auth type.
 */
export interface ConnectorDefinitionInput {
  name: string;
  baseUrl: string;
  authType: ConnectorAuthType;
  pagination?: PaginationConfigInput;
  headers?: Record<string, string>;
  description?: string;
  docs?: string;
}

/** What register() takes: a defineConnector() result, a plain definition, or a function returning either. */
export type ConnectorRegistration =
  | ConnectorDefinition
  | ConnectorDefinitionInput
  | (() => ConnectorDefinition | ConnectorDefinitionInput);

const PlainDefinition = z.strictObject({
  name: z.string().regex(NAME, 'use lower-case letters, digits, "-" and "_"'),
  baseUrl: ApiConfig.shape.baseUrl,
  authType: z.enum(["none", "bearer", "apikey", "basic", "oauth2"]),
  pagination: PaginationConfig.optional(),
  headers: z.record(z.string(), z.string()).optional(),
  description: z.string().optional(),
  docs: z.string().optional(),
});

/** A plain definition checked (unknown keys, auth type, base URL, pagination) and made a connector. */
function fromPlain(input: unknown): ConnectorDefinition {
  const name = (input as { name?: unknown } | null)?.name;
  const what = typeof name === "string" ? `connector definition "${name}"` : "connector definition";
  const plain = parseConfig(PlainDefinition, input, what);
  // The pagination as given (validated above), so its defaults are applied where every config's are.
  const pagination = structuredClone((input as ConnectorDefinitionInput).pagination);
  const credentials: Partial<Record<CredentialField, string>> = {};
  for (const field of AUTH_CREDENTIALS[plain.authType])
    credentials[field] = credentialEnv({ name: plain.name, credentials: {} }, field)[0]!;
  return defineConnector({
    name: plain.name,
    description: plain.description ?? plain.baseUrl,
    docs: plain.docs ?? "",
    authType: plain.authType,
    credentials,
    build: () => ({
      baseUrl: plain.baseUrl,
      auth: { type: plain.authType },
      ...(plain.headers ? { headers: { ...plain.headers } } : {}),
      ...(pagination ? { pagination: structuredClone(pagination) } : {}),
    }),
  });
}

/** Any form register() takes, as a connector definition. */
function toDefinition(registration: ConnectorRegistration): ConnectorDefinition {
  const given = typeof registration === "function" ? registration() : registration;
  if (typeof (given as ConnectorDefinition | undefined)?.config === "function")
    return given as ConnectorDefinition;
  return fromPlain(given);
}

export class ConnectorRegistry {
  readonly #byName = new Map<string, ConnectorDefinition>();

  constructor(definitions: Iterable<ConnectorRegistration> = []) {
    for (const definition of definitions) this.register(definition);
  }

  /**
   * Adds a connector to the default registry (`connectors`), as iki-apikit's
   * `@ConnectorRegistry.register` does, and returns its definition.
   */
  static register(
    registration: ConnectorRegistration,
    options: { replace?: boolean } = {},
  ): ConnectorDefinition {
    const definition = toDefinition(registration);
    connectors.register(definition, options);
    return definition;
  }

  /** The names of the default registry's connectors, sorted (iki-apikit's `ConnectorRegistry.list()`). */
  static list(): string[] {
    return connectors.list().map((c) => c.name);
  }

  /** The default registry's connector with this name (any case); ConnectorNotFoundError otherwise. */
  static get(name: string): ConnectorDefinition {
    return connectors.get(name);
  }

  /**
   * Adds a connector: a defineConnector() result, a plain definition (validated; ConfigError naming
   * the path otherwise) or a function returning either. A name already taken is a ConfigError unless
   * `replace` is set.
   */
  register(registration: ConnectorRegistration, options: { replace?: boolean } = {}): this {
    const definition = toDefinition(registration);
    const name = definition?.name;
    if (typeof name !== "string" || !NAME.test(name)) {
      throw new ConfigError(
        `Invalid connector name ${JSON.stringify(name)}: use lower-case letters, digits, "-" and "_"`,
        [{ path: "name", message: "must be lower-case letters, digits, - and _" }],
      );
    }
    if (this.#byName.has(name) && !options.replace) {
      throw new ConfigError(
        `A connector named "${name}" is already registered; pass { replace: true } to replace it`,
        [{ path: "name", message: `"${name}" is already registered` }],
      );
    }
    this.#byName.set(name, definition);
    return this;
  }

  /** Every connector, sorted by name. */
  list(): ConnectorDefinition[] {
    return [...this.#byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The connector with this name (any case); ConnectorNotFoundError with close matches otherwise. */
  get(name: string): ConnectorDefinition {
    const found = this.#byName.get(String(name).trim().toLowerCase());
    if (found) return found;
    throw new ConnectorNotFoundError(String(name), closeMatches(String(name).trim(), this.#byName.keys()));
  }

  has(name: string): boolean {
    return this.#byName.has(String(name).trim().toLowerCase());
  }
}

/** The default registry, pre-loaded with the built-in connectors. */
export const connectors = new ConnectorRegistry(BUILTIN_CONNECTORS);
