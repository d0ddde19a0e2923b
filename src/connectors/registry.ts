// The connector registry: built-ins plus whatever an application registers, looked up by name
// (case-insensitively), with close-match suggestions when a name is unknown.
import { ConfigError, ConnectorNotFoundError } from "../errors.js";
import { closeMatches } from "../util/suggest.js";
import { BUILTIN_CONNECTORS } from "./builtin/index.js";
import type { ConnectorDefinition } from "./types.js";

const NAME = /^[a-z0-9][a-z0-9_-]*$/;

export class ConnectorRegistry {
  readonly #byName = new Map<string, ConnectorDefinition>();

  constructor(definitions: Iterable<ConnectorDefinition> = []) {
    for (const definition of definitions) this.register(definition);
  }

  /** Adds a connector; a name already taken is a ConfigError unless `replace` is set. */
  register(definition: ConnectorDefinition, options: { replace?: boolean } = {}): this {
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
