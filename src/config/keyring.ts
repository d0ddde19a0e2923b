// Secrets in the OS keyring (macOS Keychain, Windows Credential Manager, the Secret Service on Linux)
// through @napi-rs/keyring, which loads lazily, behind the get/set/delete interface ConfigManager uses.
import { ConfigError } from "../errors.js";
import { whyNotLoaded } from "../util/optional-package.js";
import { type CredentialField, envNamesFor } from "./credentials.js";

type KeyringModule = typeof import("@napi-rs/keyring");

/** Where ConfigManager keeps secrets. Accounts are "<connector>.<field>", e.g. "github.token". */
export interface Keyring {
  /** Where a secret was looked for, for error messages. */
  describe(account: string): string;
  /** The secret, or undefined when there is none. */
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  /** Resolves false when there was nothing to delete. */
  delete(account: string): Promise<boolean>;
}

export const KEYRING_SERVICE = "apikit";
const PACKAGE = "@napi-rs/keyring";

export const keyringAccount = (connector: string, field: string): string => `${connector}.${field}`;

// On Linux the package falls back from the Secret Service to the kernel keyring, which forgets
// everything at logout or reboot: a saved connector would lose its secret later, silently. Pinning the
// Secret Service makes a machine without one fail now, with the alternatives in the message.
const ENTRY_OPTIONS =
  process.platform === "linux" ? { linux: { store: "secret-service" as const } } : undefined;

let loading: Promise<KeyringModule> | undefined;

function loadKeyring(): Promise<KeyringModule> {
  loading ??= import("@napi-rs/keyring").catch((error: unknown) => {
    loading = undefined; // let a later call try again (e.g. after npm install)
    throw new ConfigError(
      `Storing secrets in the OS keyring needs the package "${PACKAGE}", which ${whyNotLoaded(error)}. ` +
        `Install it with: npm install ${PACKAGE}, or save the connector with storeSecret: "file".`,
    );
  });
  return loading;
}

/** The OS keyring, service "apikit". */
export class OsKeyring implements Keyring {
  constructor(readonly service: string = KEYRING_SERVICE) {}

  describe(account: string): string {
    return `the OS keyring (service "${this.service}", account "${account}")`;
  }

  async get(account: string): Promise<string | undefined> {
    return this.run(account, "read", async (entry) => (await entry.getPassword()) ?? undefined);
  }

  async set(account: string, secret: string): Promise<void> {
    await this.run(account, "save", (entry) => entry.setPassword(secret));
  }

  async delete(account: string): Promise<boolean> {
    return this.run(account, "delete", (entry) => entry.deleteCredential());
  }

  private async run<T>(
    account: string,
    action: string,
    use: (entry: InstanceType<KeyringModule["AsyncEntry"]>) => Promise<T>,
  ): Promise<T> {
    const { AsyncEntry } = await loadKeyring();
    try {
      // Even the constructor can throw: on Linux it connects to D-Bus.
      return await use(new AsyncEntry(this.service, account, ENTRY_OPTIONS));
    } catch (error) {
      throw noKeyring(account, action, error);
    }
  }
}

function noKeyring(account: string, action: string, error: unknown): ConfigError {
  const dot = account.indexOf(".");
  const connector = dot < 0 ? account : account.slice(0, dot);
  const field = (dot < 0 ? "token" : account.slice(dot + 1)) as CredentialField;
  // The same names the credential resolver reads (credentials.ts).
  const names = envNamesFor({ field, connector });
  const reason = error instanceof Error ? error.message : String(error);
  return new ConfigError(
    `No OS keyring is available to ${action} the secret "${account}" (${reason}). ` +
      (process.platform === "linux"
        ? "Linux needs a Secret Service (e.g. gnome-keyring) on the D-Bus session bus. "
        : "") +
      "Give the secret another way:\n" +
      `  - an environment variable: ${names.join(" or ")}\n` +
      `  - a .env file in the working directory with ${names[0]}=...\n` +
      "  - ~/.netrc (machine <host> login <user> password <secret>)\n" +
      '  - storeSecret: "file", which writes it into the config file (mode 0600)',
    [{ path: `auth.${field}`, message: "no OS keyring is available" }],
  );
}
