// ConfigManager: named connectors in a TOML file (~/.config/apikit/config.toml), their secrets in the
// OS keyring (or, when asked, in that 0600 file), read back as validated ApiConfigs.
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { inspect } from "node:util";
import type { TomlTable, TomlValue } from "smol-toml";
import { z } from "zod";
import type { Logger } from "../base/index.js";
import { ConfigError, ConnectorNotFoundError } from "../errors.js";
import { writeStderr } from "../util/notebook.js";
import { closeMatches } from "../util/suggest.js";
import { type Keyring, keyringAccount, OsKeyring } from "./keyring.js";
import { redactWhenPrinted } from "./redacted.js";
import { ApiConfig, type ApiConfigInput, type AuthConfigInput, withCurrentNames } from "./schemas.js";
import { camelCaseConnector, type FLAT_AUTH, FLAT_FIELDS, impliedAuthType } from "./spelling.js";
import { exposedMessage, isExposed, readTomlFile, writeTomlFile } from "./toml.js";
import { configError, parseConfig, parseOptions } from "./validate.js";

/** Auth fields that are secrets: kept in the keyring (or the file with storeSecret "file"). */
export const SECRET_AUTH_FIELDS = ["token", "apiKey", "password", "clientSecret"] as const;
export type SecretAuthField = (typeof SECRET_AUTH_FIELDS)[number];
export type SecretLocation = "keyring" | "file";

type WithoutSecrets<T> = T extends unknown ? Omit<T, SecretAuthField> : never;
/** A connector as stored: its ApiConfigInput, with only the non-secret auth fields. */
export type StoredConnector = Omit<ApiConfigInput, "auth"> & { auth?: WithoutSecrets<AuthConfigInput> };

export interface ConnectorSummary {
  name: string;
  authType: string;
  baseUrl: string;
  /** Where its secrets are; undefined when it has none. */
  secretStore: SecretLocation | undefined;
}

const hasMethods = (value: unknown, names: readonly string[]) =>
  typeof value === "object" &&
  value !== null &&
  names.every((name) => typeof (value as Record<string, unknown>)[name] === "function");

const ManagerConfig = z.strictObject({
  /** The TOML file. Default: $APIKIT_CONFIG_PATH, else ~/.config/apikit/config.toml. */
  path: z.string().min(1).optional(),
  /** Gets the warning when secrets are written to the file. Default: stderr. */
  logger: z
    .custom<Pick<Logger, "warn">>((v) => hasMethods(v, ["warn"]), {
      error: "must have a warn(message) method",
    })
    .optional(),
  /** Where keyring secrets go. Default: the OS keyring, service "apikit". */
  keyring: z
    .custom<Keyring>((v) => hasMethods(v, ["describe", "get", "set", "delete"]), {
      error: "must be a Keyring (describe, get, set, delete)",
    })
    .optional(),
});
export type ConfigManagerOptions = z.input<typeof ManagerConfig>;

/** The value types of a field of `auth`, over the auth types that have it. */
type AuthField<F extends string> = AuthConfigInput extends infer A
  ? A extends unknown
    ? F extends keyof A
      ? Exclude<A[F], undefined>
      : never
    : never
  : never;

/**
 * iki-apikit's flat fields, which addConnector takes beside (or instead of) `auth`, as the Apikit
 * constructor does: `{ baseUrl, authType: "bearer", token }` is `{ baseUrl, auth: { type: "bearer",
 * token } }`. Without authType, the fields imply it (token: bearer, apiKey: apikey, username: basic,
 * clientId or tokenUrl: oauth2).
 */
export type FlatConnectorFields = { authType?: AuthField<"type"> | undefined } & {
  [K in keyof typeof FLAT_AUTH]?: AuthField<(typeof FLAT_AUTH)[K]> | undefined;
} & {
  /** Shorthand for retry.maxRetries. */
  maxRetries?: number | undefined;
};

/** What addConnector saves: an ApiConfig, its auth nested in `auth` or given by the flat fields. */
export type ConnectorInput = ApiConfigInput & FlatConnectorFields;

export interface AddConnectorOptions {
  /** "keyring" (default): secrets go to the OS keyring. "file": into the 0600 config file, with a warning. */
  storeSecret?: SecretLocation;
}

const HEADER = [
  "# apikit connectors, written by apikit (comments are not kept).",
  '# Secrets are in the OS keyring (service "apikit", account "<connector>.<field>")',
  '# unless secretStore = "file", which keeps them here: keep this file mode 0600.',
].join("\n");

// The two bookkeeping keys beside the ApiConfig fields of a connector's table.
const StoredSecrets = z.object({
  secretStore: z.enum(["keyring", "file"]).default("keyring"),
  secretFields: z.array(z.enum(SECRET_AUTH_FIELDS)).default([]),
});

/** The secret each auth type cannot do without. */
const NEEDED_SECRET: Partial<Record<string, SecretAuthField>> = {
  bearer: "token",
  apikey: "apiKey",
  basic: "password",
  oauth2: "clientSecret",
};

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const PLACEHOLDER = "(secret)";

const stderrLogger = {
  warn: (message: string) => writeStderr(`apikit: warning: ${message}\n`),
};

/** $APIKIT_CONFIG_PATH, else $XDG_CONFIG_HOME/apikit/config.toml, else ~/.config/apikit/config.toml. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.APIKIT_CONFIG_PATH;
  if (override) return resolve(override.replace(/^~(?=$|[\\/])/, homedir()));
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".config"), "apikit", "config.toml");
}

export class ConfigManager {
  readonly path: string;
  private readonly logger: Pick<Logger, "warn">;
  private readonly keyring: Keyring;
  // Writes of one manager run one after another, so concurrent calls do not lose each other's changes.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: ConfigManagerOptions = {}) {
    const config = parseOptions(ManagerConfig, options, "ConfigManager");
    this.path = config.path === undefined ? defaultConfigPath() : resolve(config.path);
    this.logger = config.logger ?? stderrLogger;
    this.keyring = config.keyring ?? new OsKeyring();
  }

  /**
   * Saves (or replaces) a connector; its secrets go to the OS keyring unless storeSecret is "file".
   * Its auth is `auth: { type, ... }` or iki-apikit's flat fields (authType, token, apiKey, ...);
   * one field given both ways is a ConfigError.
   */
  async addConnector(name: string, config: ConnectorInput, options: AddConnectorOptions = {}): Promise<void> {
    if (!NAME.test(name)) {
      throw new ConfigError(
        `Invalid connector name ${JSON.stringify(name)}: use up to 64 letters, digits, "-" and "_", ` +
          'starting with a letter or digit (e.g. "github", "my_api-2").',
        [{ path: "name", message: "invalid connector name" }],
      );
    }
    const store = options.storeSecret ?? "keyring";
    if (store !== "keyring" && store !== "file")
      throw new ConfigError(`storeSecret must be "keyring" or "file", not ${JSON.stringify(store)}.`);
    const what = `connector "${name}"`;
    // The flat fields go into `auth`, where the nested form has them; the type first, as written.
    const table = camelCaseConnector(plain(config ?? {}) as TomlTable, what);
    if (isTable(table.auth)) {
      const { type = impliedAuthType(table.auth), ...fields } = table.auth;
      table.auth = type === undefined ? fields : { type, ...fields };
    }
    // The whole config is checked before anything is written anywhere; a typo of a flat field is
    // told the flat names too.
    const checked = ApiConfig.safeParse(table);
    if (!checked.success) {
      const known = ApiConfig.extend(
        Object.fromEntries(Object.keys(FLAT_FIELDS).map((field) => [field, z.unknown()])),
      );
      throw configError(known, checked.error, what);
    }
    const auth = isTable(table.auth) ? table.auth : {};
    const secrets = SECRET_AUTH_FIELDS.filter((field) => typeof auth[field] === "string");
    if (secrets.length > 0) Object.assign(table, { secretStore: store, secretFields: secrets });

    await this.exclusive(async () => {
      const doc = await this.load();
      const previous = connectorsOf(doc)[name];
      if (store === "keyring") {
        for (const field of secrets) {
          await this.keyring.set(keyringAccount(name, field), auth[field] as string);
          delete auth[field];
        }
      } else if (secrets.length > 0) {
        this.logger.warn(
          `Connector "${name}": writing ${secrets.map((f) => `auth.${f}`).join(", ")} into ${this.path} ` +
            "(mode 0600) instead of the OS keyring; anyone who can read that file can use it.",
        );
      }
      connectorsOf(doc)[name] = table;
      await this.save(doc);
      // Keyring entries of the replaced version that this one no longer uses.
      const kept = store === "keyring" ? secrets : [];
      const stale = keyringFields(previous).filter((field) => !kept.includes(field));
      await this.deleteSecrets(name, stale, "replaced");
    });
  }

  /** Every connector: name, auth type, base URL and where its secrets are, sorted by name. */
  async listConnectors(): Promise<ConnectorSummary[]> {
    const connectors = connectorsOf(await this.load());
    return Object.keys(connectors)
      .sort()
      .map((name) => {
        const table = connectors[name]!;
        const auth = isTable(table.auth) ? table.auth : {};
        const inFile = SECRET_AUTH_FIELDS.some((field) => field in auth);
        const declared = table.secretStore === "file" || table.secretStore === "keyring";
        return {
          name,
          authType: typeof auth.type === "string" ? auth.type : "none",
          baseUrl: typeof table.baseUrl === "string" ? table.baseUrl : "",
          secretStore: declared ? (table.secretStore as SecretLocation) : inFile ? "file" : undefined,
        };
      });
  }

  /** The connector as stored, without its secrets (the keyring is not touched). */
  async getConnector(name: string): Promise<StoredConnector> {
    const table = this.find(await this.load(), name);
    const { secretFields } = this.bookkeeping(name, table);
    // Placeholders stand in for the secrets, so that everything else is checked; also for the one its
    // auth type needs when the file has none (iki-apikit kept it elsewhere; fromName may find it in
    // the environment, .env or ~/.netrc).
    const auth = isTable(table.auth) ? table.auth : {};
    const needed = NEEDED_SECRET[String(auth.type)];
    const placeholders = needed && !(needed in auth) ? [...new Set([...secretFields, needed])] : secretFields;
    this.validate(name, table, Object.fromEntries(placeholders.map((field) => [field, PLACEHOLDER])));
    const { secretStore: _store, secretFields: _fields, ...config } = structuredClone(table);
    if (isTable(config.auth)) for (const field of SECRET_AUTH_FIELDS) delete config.auth[field];
    return config as StoredConnector;
  }

  /** The full, validated ApiConfig, with its secrets from the keyring or the file. */
  async getApiConfig(name: string): Promise<ApiConfig> {
    const table = this.find(await this.load(), name);
    const { secretStore, secretFields } = this.bookkeeping(name, table);
    const auth = isTable(table.auth) ? table.auth : {};
    const missing = secretFields.filter((field) => typeof auth[field] !== "string");
    // A broken config is reported before the keyring is asked for anything.
    this.validate(name, table, Object.fromEntries(missing.map((field) => [field, PLACEHOLDER])));
    const secrets: Record<string, string> = {};
    for (const field of missing) {
      const value =
        secretStore === "keyring" ? await this.keyring.get(keyringAccount(name, field)) : undefined;
      if (value === undefined) throw this.missingSecret(name, field, secretStore);
      secrets[field] = value;
    }
    // Printed in a notebook, it shows no secret; read, it has them all.
    return redactWhenPrinted(this.validate(name, table, secrets));
  }

  /**
   * One auth field of a saved connector (a secret from the file or the keyring, or a plain field such
   * as username); undefined when there is no such connector or field. This is the SecretStore that
   * credential resolution asks last, so "not here" is undefined rather than an error.
   */
  async getSecret(name: string, field: string): Promise<string | undefined> {
    const connectors = connectorsOf(await this.load());
    const table = Object.hasOwn(connectors, name) ? connectors[name] : undefined;
    if (table === undefined) return undefined;
    const value = isTable(table.auth) ? table.auth[field] : undefined;
    if (typeof value === "string") return value;
    const { secretStore, secretFields } = this.bookkeeping(name, table);
    if (secretStore === "keyring" && (secretFields as string[]).includes(field))
      return this.keyring.get(keyringAccount(name, field));
    return undefined;
  }

  /** Removes a connector from the file and its secrets from the keyring. */
  async removeConnector(name: string): Promise<void> {
    await this.exclusive(async () => {
      const doc = await this.load();
      const table = this.find(doc, name);
      delete connectorsOf(doc)[name];
      await this.save(doc);
      await this.deleteSecrets(name, keyringFields(table), "removed");
    });
  }

  private async load(): Promise<TomlTable> {
    // A file that does not parse is reported as exposed too when its mode is (toml.ts).
    const file = await readTomlFile(this.path);
    if (file === undefined) return { connectors: {} };
    const { data, mode } = file;
    try {
      data.connectors ??= {};
      if (!isTable(data.connectors))
        throw this.shapeError("connectors", "must be a table of [connectors.<name>] tables");
      for (const [name, table] of Object.entries(data.connectors)) {
        if (!isTable(table)) throw this.shapeError(`connectors.${name}`, "must be a table");
        // iki-apikit's snake_case tables are read as apikit's camelCase ones (and written so).
        data.connectors[name] = camelCaseConnector(table, `config file ${this.path}`, `connectors.${name}`);
      }
    } catch (error) {
      // A file others can read that is not a config apikit understands may hold secrets all the same.
      if (error instanceof ConfigError && isExposed(mode))
        throw this.exposedError(mode, "may hold secrets", error);
      throw error;
    }
    const connectors = connectorsOf(data);
    const holdsSecrets = Object.values(connectors).some(
      (table) =>
        isTable(table.auth) && SECRET_AUTH_FIELDS.some((field) => field in (table.auth as TomlTable)),
    );
    if (isExposed(mode) && holdsSecrets) throw this.exposedError(mode, "holds secrets");
    return data;
  }

  private exposedError(mode: number, what: string, cause?: ConfigError): ConfigError {
    const message = exposedMessage(this.path, mode, what);
    return new ConfigError(cause ? `${message}\n${cause.message}` : message, [
      { path: this.path, message: "readable by group or others" },
      ...(cause?.issues ?? []),
    ]);
  }

  private async save(doc: TomlTable): Promise<void> {
    const connectors = connectorsOf(doc);
    const sorted = Object.fromEntries(
      Object.keys(connectors)
        .sort()
        .map((name) => [name, connectors[name]!]),
    );
    await writeTomlFile(this.path, { ...doc, connectors: sorted }, HEADER);
  }

  private find(doc: TomlTable, name: string): TomlTable {
    const connectors = connectorsOf(doc);
    const table = Object.hasOwn(connectors, name) ? connectors[name] : undefined;
    if (table === undefined)
      throw new ConnectorNotFoundError(name, closeMatches(name, Object.keys(connectors)));
    return table;
  }

  private bookkeeping(name: string, table: TomlTable): z.infer<typeof StoredSecrets> {
    const { secretStore, secretFields } = table;
    return parseConfig(
      StoredSecrets,
      { secretStore, secretFields },
      `connector "${name}" in ${this.path}`,
      `connectors.${name}`,
    );
  }

  /** Checks the stored connector, with `secrets` merged into its auth, against the ApiConfig schema. */
  private validate(name: string, table: TomlTable, secrets: Record<string, string>): ApiConfig {
    const { secretStore: _store, secretFields: _fields, ...input } = table;
    if (Object.keys(secrets).length > 0 && (input.auth === undefined || isTable(input.auth)))
      input.auth = { ...input.auth, ...secrets };
    const what = `connector "${name}" in ${this.path}`;
    return parseConfig(ApiConfig, withCurrentNames(input), what, `connectors.${name}`);
  }

  private missingSecret(name: string, field: string, store: SecretLocation): ConfigError {
    const where =
      store === "keyring"
        ? this.keyring.describe(keyringAccount(name, field))
        : `${this.path} (key "${field}" of [connectors.${name}.auth])`;
    return new ConfigError(
      `Connector "${name}" has no secret auth.${field}: looked in ${where}. ` +
        `Save the connector again with its ${field}.`,
      [{ path: `connectors.${name}.auth.${field}`, message: `missing; looked in ${where}` }],
    );
  }

  private async deleteSecrets(name: string, fields: readonly string[], why: string): Promise<void> {
    const failures: string[] = [];
    for (const field of fields) {
      try {
        await this.keyring.delete(keyringAccount(name, field));
      } catch (error) {
        failures.push(`${keyringAccount(name, field)}: ${(error as Error).message.split("\n")[0]}`);
      }
    }
    if (failures.length > 0) {
      throw new ConfigError(
        `Connector "${name}" was ${why} in ${this.path}, but its old secrets could not be deleted from ` +
          `the OS keyring (service "apikit"):\n  - ${failures.join("\n  - ")}`,
      );
    }
  }

  private shapeError(path: string, message: string): ConfigError {
    return new ConfigError(`Invalid config file ${this.path}:\n  - ${path}: ${message}`, [{ path, message }]);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // Printed as its file alone: a keyring passed in (a test's, a vault's) may hold the secrets themselves.
  toJSON(): { path: string } {
    return { path: this.path };
  }

  toString(): string {
    return `ConfigManager ${this.path}`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

function isTable(value: unknown): value is TomlTable {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The connectors table of a document that load() has checked. */
function connectorsOf(doc: TomlTable): Record<string, TomlTable> {
  return doc.connectors as Record<string, TomlTable>;
}

/** The secret fields a stored connector keeps in the keyring (tolerant of a hand-edited table). */
function keyringFields(table: TomlTable | undefined): SecretAuthField[] {
  if (table === undefined || (table.secretStore ?? "keyring") !== "keyring") return [];
  const fields = Array.isArray(table.secretFields) ? table.secretFields : [];
  return SECRET_AUTH_FIELDS.filter((field) => fields.includes(field));
}

/** A deep copy that TOML can hold: undefined values are dropped. */
function plain(value: unknown): TomlValue | undefined {
  if (Array.isArray(value)) return value.map(plain).filter((v) => v !== undefined);
  if (isTable(value)) {
    const table: TomlTable = {};
    for (const [key, v] of Object.entries(value)) {
      const copy = plain(v);
      if (copy !== undefined) table[key] = copy;
    }
    return table;
  }
  return value as TomlValue | undefined;
}
