// ConfigManager.addConnector with iki-apikit's flat fields (authType, token, apiKey, ...): saved exactly
// as the nested `auth` form is (the same file, the same secrets in the same store), one field given
// both ways refused before anything is written. The keyring here is a Keyring passed in (the option a
// vault would use), so what lands in it can be read back; keyring.test.ts covers the OS keyring.
import { readFile } from "node:fs/promises";
import { parse } from "smol-toml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Keyring } from "../../src/config/keyring.js";
import { ConfigManager, type ConnectorInput } from "../../src/config/manager.js";
import { ApiConfig, type AuthConfigInput } from "../../src/config/schemas.js";
import { FLAT_AUTH } from "../../src/config/spelling.js";
import { ConfigError } from "../../src/errors.js";
import { FLAT_AUTH_FIELDS } from "../../src/facade/index.js";
import { AUTHS, rejection, SECRET_VALUES, tempConfig } from "./fixtures.js";

/** A keyring in memory: account → secret. */
class MemoryKeyring implements Keyring {
  readonly entries = new Map<string, string>();
  describe(account: string): string {
    return `memory (${account})`;
  }
  async get(account: string): Promise<string | undefined> {
    return this.entries.get(account);
  }
  async set(account: string, secret: string): Promise<void> {
    this.entries.set(account, secret);
  }
  async delete(account: string): Promise<boolean> {
    return this.entries.delete(account);
  }
}

let temps: Array<Awaited<ReturnType<typeof tempConfig>>>;
beforeEach(() => {
  temps = [];
});
afterEach(() => Promise.all(temps.map((t) => t.cleanup())));

/** A manager on a fresh config file, with its own keyring. */
async function fresh() {
  const temp = await tempConfig();
  temps.push(temp);
  const keyring = new MemoryKeyring();
  const manager = new ConfigManager({ path: temp.path, keyring, logger: { warn() {} } });
  const file = async () => parse(await readFile(temp.path, "utf8"));
  return { manager, keyring, file, path: temp.path };
}

/** The flat name of each auth field. */
const FLAT_NAME = new Map<string, string>([
  ["type", "authType"],
  ...Object.entries(FLAT_AUTH).map(([flat, field]): [string, string] => [field, flat]),
]);

/** An auth config as flat fields; what has no flat name (instanceUrlFromToken) stays in `auth`. */
function flatten(auth: AuthConfigInput): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  const nested: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(auth)) {
    const name = FLAT_NAME.get(field);
    if (name) flat[name] = value;
    else nested[field] = value;
  }
  return Object.keys(nested).length > 0 ? { ...flat, auth: nested } : flat;
}

const BASE = { baseUrl: "https://api.example.test/v2", timeoutMs: 5_000 };

describe("addConnector with flat fields", () => {
  it("knows every flat auth field the Apikit constructor takes", () => {
    expect(Object.keys(FLAT_AUTH).sort()).toEqual([...FLAT_AUTH_FIELDS].sort());
  });

  it.each(Object.keys(AUTHS))(
    "saves %s auth as the nested form does: file, keyring, ApiConfig",
    async (kind) => {
      const nested = await fresh();
      const flat = await fresh();
      await nested.manager.addConnector("api", { ...BASE, auth: AUTHS[kind]! });
      await flat.manager.addConnector("api", { ...BASE, ...flatten(AUTHS[kind]!) } as ConnectorInput);

      expect(await flat.file()).toEqual(await nested.file());
      expect(await readFile(flat.path, "utf8")).toBe(await readFile(nested.path, "utf8"));
      expect([...flat.keyring.entries]).toEqual([...nested.keyring.entries]);
      const text = await readFile(flat.path, "utf8");
      for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
      expect(await flat.manager.getApiConfig("api")).toEqual(
        ApiConfig.parse({ ...BASE, auth: AUTHS[kind]! }),
      );
    },
  );

  it('writes the secrets into the file with storeSecret "file", as the nested form does', async () => {
    const nested = await fresh();
    const flat = await fresh();
    const auth = AUTHS.basic!;
    await nested.manager.addConnector("api", { ...BASE, auth }, { storeSecret: "file" });
    await flat.manager.addConnector("api", { ...BASE, ...flatten(auth) } as ConnectorInput, {
      storeSecret: "file",
    });
    expect(await flat.file()).toEqual(await nested.file());
    expect(flat.keyring.entries.size).toBe(0);
  });

  it("takes iki-apikit's README example: authType and token beside baseUrl", async () => {
    const { manager, keyring, file } = await fresh();
    await manager.addConnector("my_api", {
      baseUrl: "https://api.mycompany.com/v2",
      authType: "bearer",
      token: "your-secret-token",
    });
    expect(await file()).toEqual({
      connectors: {
        my_api: {
          baseUrl: "https://api.mycompany.com/v2",
          auth: { type: "bearer" },
          secretStore: "keyring",
          secretFields: ["token"],
        },
      },
    });
    expect(keyring.entries).toEqual(new Map([["my_api.token", "your-secret-token"]]));
    expect((await manager.listConnectors()).map((c) => c.name)).toEqual(["my_api"]);
    expect((await manager.getApiConfig("my_api")).auth).toEqual({
      type: "bearer",
      token: "your-secret-token",
    });
  });

  it("implies the auth type from the fields when authType is left out, as the Apikit constructor does", async () => {
    const { manager } = await fresh();
    const cases: Array<[ConnectorInput, AuthConfigInput]> = [
      [
        { ...BASE, token: "t" },
        { type: "bearer", token: "t" },
      ],
      [
        { ...BASE, apiKey: "k", apiKeyQueryParam: "key" },
        { type: "apikey", apiKey: "k", queryParam: "key" },
      ],
      [
        { ...BASE, username: "ada", password: "pw" },
        { type: "basic", username: "ada", password: "pw" },
      ],
      [
        { ...BASE, clientId: "id", clientSecret: "cs", tokenUrl: "https://auth.example.test/t" },
        { type: "oauth2", clientId: "id", clientSecret: "cs", tokenUrl: "https://auth.example.test/t" },
      ],
    ];
    for (const [input, auth] of cases) {
      await manager.addConnector("api", input);
      expect((await manager.getApiConfig("api")).auth).toEqual(AuthConfigOf(auth));
    }
  });

  it("reads timeout in milliseconds, as the Apikit constructor does (iki-apikit's files say seconds)", async () => {
    const { manager } = await fresh();
    await manager.addConnector("api", { baseUrl: BASE.baseUrl, authType: "none", timeout: 60_000 });
    expect((await manager.getApiConfig("api")).timeoutMs).toBe(60_000);
  });

  it("takes maxRetries as retry.maxRetries", async () => {
    const { manager } = await fresh();
    await manager.addConnector("api", { ...BASE, maxRetries: 2 });
    expect((await manager.getApiConfig("api")).retry.maxRetries).toBe(2);
  });
});

describe("addConnector with one field given both ways", () => {
  // [the key named (the later of the two), the input, the message's "earlier and later"]
  const cases: Array<[string, ConnectorInput, string]> = [
    ["auth.token", { ...BASE, token: "a", auth: { type: "bearer", token: "b" } }, "token and auth.token"],
    [
      "auth.type",
      { ...BASE, authType: "bearer", auth: { type: "bearer", token: "b" } },
      "authType and auth.type",
    ],
    [
      "apiKeyHeader",
      { ...BASE, auth: { type: "apikey", apiKey: "k", header: "X-A" }, apiKeyHeader: "X-B" },
      "auth.header and apiKeyHeader",
    ],
    ["maxRetries", { ...BASE, retry: { maxRetries: 1 }, maxRetries: 2 }, "retry.maxRetries and maxRetries"],
  ];

  it.each(cases)("refuses %s before writing anything anywhere", async (key, input, both) => {
    const { manager, keyring, path } = await fresh();
    const error = await rejection(manager.addConnector("api", input));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      new RegExp(`^Invalid connector "api":\\n  - ${key}: ${both} are the same setting`),
    );
    expect(keyring.entries.size).toBe(0);
    await expect(readFile(path)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("merges flat and nested fields that are not the same field", async () => {
    const { manager } = await fresh();
    await manager.addConnector("api", {
      ...BASE,
      auth: { type: "apikey", apiKey: "k" },
      apiKeyHeader: "X-Key",
    });
    expect((await manager.getApiConfig("api")).auth).toEqual({
      type: "apikey",
      apiKey: "k",
      header: "X-Key",
    });
  });

  it("suggests the flat names for a typo of one", async () => {
    const { manager } = await fresh();
    const error = await rejection(manager.addConnector("api", { ...BASE, tokn: "t" } as ConnectorInput));
    expect(error.message).toBe(
      'Invalid connector "api":\n  - tokn: unknown option "tokn" (did you mean token?)',
    );
  });
});

function AuthConfigOf(auth: AuthConfigInput) {
  return ApiConfig.parse({ baseUrl: BASE.baseUrl, auth }).auth;
}
