// ConfigManager with the real OS keyring (service "apikit"). Where a Secret Service is reachable, or
// APIKIT_REQUIRE_KEYRING=1 (CI), secrets are stored, read and deleted for real; elsewhere the tests
// check the "no OS keyring" error and its advice instead. Nothing here fakes the keyring.
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parse } from "smol-toml";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { OsKeyring } from "../../src/config/keyring.js";
import { ConfigManager, SECRET_AUTH_FIELDS } from "../../src/config/manager.js";
import { ApiConfig } from "../../src/config/schemas.js";
import { ConfigError } from "../../src/errors.js";
import { AUTHS, EVERY_FIELD, rejection, SECRET_VALUES, tempConfig } from "./fixtures.js";

const keyring = new OsKeyring();
const run = `t${process.pid.toString(36)}${Date.now().toString(36)}`;
// Every connector name this run used, so that afterAll can delete whatever a failed test left behind.
const used = new Set<string>();
const unique = (label: string) => {
  const name = `${run}-${label}`;
  used.add(name);
  return name;
};

/** Whether the keyring takes a secret: true, or the "no OS keyring" ConfigError it gave. */
async function probe(): Promise<true | ConfigError> {
  const account = `${unique("probe")}.token`;
  try {
    await keyring.set(account, "probe");
    await keyring.delete(account);
    return true;
  } catch (error) {
    if (error instanceof ConfigError && error.message.startsWith("No OS keyring is available")) return error;
    throw error;
  }
}

const reachable = await probe();
const required = process.env.APIKIT_REQUIRE_KEYRING === "1";

let temp: Awaited<ReturnType<typeof tempConfig>>;
const manager = () => new ConfigManager({ path: temp.path, logger: { warn: () => undefined } });
beforeEach(async () => {
  temp = await tempConfig();
});
afterEach(() => temp.cleanup());

if (reachable === true || required) {
  afterAll(async () => {
    const accounts = [...used].flatMap((name) => SECRET_AUTH_FIELDS.map((field) => `${name}.${field}`));
    await Promise.all(accounts.map((account) => keyring.delete(account).catch(() => false)));
  });

  describe("with the OS keyring", () => {
    it("reaches the Secret Service (APIKIT_REQUIRE_KEYRING makes this mandatory)", () => {
      expect(reachable).toBe(true);
    });

    it.each(Object.keys(AUTHS).filter((k) => k !== "none"))(
      "keeps %s secrets in the keyring, never in the file",
      async (kind) => {
        const name = unique(kind);
        const input = { ...EVERY_FIELD, auth: AUTHS[kind]! };
        await manager().addConnector(name, input);

        const text = await readFile(temp.path, "utf8");
        for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
        const stored = (parse(text) as { connectors: Record<string, Record<string, unknown>> }).connectors[
          name
        ]!;
        expect(stored.secretStore).toBe("keyring");
        const fields = stored.secretFields as string[];
        expect(fields).toHaveLength(1);
        const secret = (input.auth as Record<string, string>)[fields[0]!];
        expect(await keyring.get(`${name}.${fields[0]}`)).toBe(secret);

        const fresh = manager();
        expect(await fresh.getApiConfig(name)).toEqual(ApiConfig.parse(input));
        expect(await fresh.getSecret(name, fields[0]!)).toBe(secret);
        expect(JSON.stringify(await fresh.getConnector(name))).not.toContain(secret);
      },
    );

    it("deletes the keyring entries of a connector it removes", async () => {
      const name = unique("remove");
      await manager().addConnector(name, { baseUrl: "https://a.test", auth: AUTHS.basic! });
      expect(await keyring.get(`${name}.password`)).toBe("pw-basic-000");
      await manager().removeConnector(name);
      expect(await keyring.get(`${name}.password`)).toBeUndefined();
      expect(await manager().listConnectors()).toEqual([]);
    });

    it("deletes the keyring entries a replaced connector no longer uses", async () => {
      const name = unique("replace");
      await manager().addConnector(name, { baseUrl: "https://a.test", auth: AUTHS.basic! });
      await manager().addConnector(name, { baseUrl: "https://a.test", auth: AUTHS.bearer! });
      expect(await keyring.get(`${name}.password`)).toBeUndefined();
      expect(await keyring.get(`${name}.token`)).toBe("tok-bearer-123");

      await manager().addConnector(
        name,
        { baseUrl: "https://a.test", auth: AUTHS.bearer! },
        { storeSecret: "file" },
      );
      expect(await keyring.get(`${name}.token`)).toBeUndefined();
      expect((await manager().getApiConfig(name)).auth).toEqual(AUTHS.bearer);
    });

    it("reports a secret missing from the keyring with the connector, the field and the entry", async () => {
      const name = unique("missing");
      await manager().addConnector(name, { baseUrl: "https://a.test", auth: AUTHS.bearer! });
      await keyring.delete(`${name}.token`);
      const error = (await rejection(manager().getApiConfig(name))) as ConfigError;
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toContain(`Connector "${name}" has no secret auth.token`);
      expect(error.message).toContain(`the OS keyring (service "apikit", account "${name}.token")`);
    });
  });
} else {
  describe("without an OS keyring", () => {
    it("refuses to save a secret, naming the other places it can go, and writes nothing", async () => {
      const name = unique("nokeyring");
      const error = (await rejection(
        manager().addConnector(name, { baseUrl: "https://a.test", auth: AUTHS.bearer! }),
      )) as ConfigError;
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/^No OS keyring is available to save the secret/);
      const envName = `${name.toUpperCase().replace(/-/g, "_")}_TOKEN`;
      for (const hint of [envName, "APIKIT_TOKEN", ".env", "~/.netrc", 'storeSecret: "file"', "0600"])
        expect(error.message).toContain(hint);
      await expect(stat(temp.path)).rejects.toMatchObject({ code: "ENOENT" });
    });

    it('still saves and reads a secret with storeSecret: "file"', async () => {
      const name = unique("filestore");
      await manager().addConnector(
        name,
        { baseUrl: "https://a.test", auth: AUTHS.bearer! },
        { storeSecret: "file" },
      );
      expect((await manager().getApiConfig(name)).auth).toEqual(AUTHS.bearer);
    });

    it("says no keyring is available when a saved connector's secret lives there", async () => {
      const name = unique("elsewhere");
      await mkdir(dirname(temp.path), { recursive: true, mode: 0o700 });
      const toml =
        `[connectors.${name}]\nbaseUrl = "https://a.test"\nsecretStore = "keyring"\n` +
        `secretFields = ["password"]\n\n[connectors.${name}.auth]\ntype = "basic"\nusername = "ada"\n`;
      await writeFile(temp.path, toml, { mode: 0o600 });
      await expect(manager().getApiConfig(name)).rejects.toThrow(
        `No OS keyring is available to read the secret "${name}.password"`,
      );
      // Removing it still takes it out of the file, and says the keyring entry could not be deleted.
      await expect(manager().removeConnector(name)).rejects.toThrow(
        /could not be deleted from the OS keyring/,
      );
      expect(await manager().listConnectors()).toEqual([]);
    });
  });
}
