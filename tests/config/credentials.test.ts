// Credential resolution order and sources, with real files in temp folders: option → environment →
// .env → ~/.netrc → the secret store (keyring); logs name the source, never the value.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  envNamesFor,
  parseNetrc,
  requireCredential,
  resolveCredential,
  resolveCredentialSync,
  type SecretStore,
} from "../../src/config/credentials.js";
import { ConfigError } from "../../src/errors.js";

function place(files: { env?: string; netrc?: string; netrcMode?: number } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "apikit-cwd-"));
  const home = mkdtempSync(join(tmpdir(), "apikit-home-"));
  if (files.env !== undefined) writeFileSync(join(cwd, ".env"), files.env);
  if (files.netrc !== undefined) {
    writeFileSync(join(home, ".netrc"), files.netrc);
    chmodSync(join(home, ".netrc"), files.netrcMode ?? 0o600);
  }
  const logs: string[] = [];
  const logger = { debug: (m: string) => logs.push(m), info() {}, warn() {}, error() {} };
  return { cwd, home, logs, logger };
}

const store = (secrets: Record<string, string>): SecretStore => ({
  getSecret: async (connector, field) => secrets[`${connector}.${field}`],
});

describe("credential resolution", () => {
  it("takes the first hit in order and logs where it came from, never the value", async () => {
    const p = place({
      env: "GITHUB_TOKEN=from-dotenv-1234\n",
      netrc: "machine api.github.com login me password from-netrc-1234\n",
    });
    const query = { field: "token" as const, connector: "github", host: "api.github.com" };
    const context = {
      cwd: p.cwd,
      home: p.home,
      logger: p.logger,
      store: store({ "github.token": "from-keyring-1234" }),
    };

    expect(
      await resolveCredential(
        { ...query, explicit: "explicit-1234" },
        { ...context, env: { GITHUB_TOKEN: "env-1234" } },
      ),
    ).toEqual({
      value: "explicit-1234",
      source: "option",
    });
    expect(
      await resolveCredential(query, {
        ...context,
        env: { GITHUB_TOKEN: "env-1234", APIKIT_TOKEN: "generic" },
      }),
    ).toEqual({
      value: "env-1234",
      source: "environment variable GITHUB_TOKEN",
    });
    expect(
      await resolveCredential(query, { ...context, env: { APIKIT_TOKEN: "generic-1234" } }),
    ).toMatchObject({
      value: "generic-1234",
      source: "environment variable APIKIT_TOKEN",
    });
    expect(await resolveCredential(query, { ...context, env: {} })).toEqual({
      value: "from-dotenv-1234",
      source: `${join(p.cwd, ".env")} (GITHUB_TOKEN)`,
    });
    const noDotenv = place({ netrc: "machine api.github.com login me password from-netrc-1234\n" });
    expect(
      await resolveCredential(query, { ...context, cwd: noDotenv.cwd, home: noDotenv.home, env: {} }),
    ).toEqual({
      value: "from-netrc-1234",
      source: `${join(noDotenv.home, ".netrc")} (machine api.github.com)`,
    });
    const nothing = place();
    expect(
      await resolveCredential(query, { ...context, cwd: nothing.cwd, home: nothing.home, env: {} }),
    ).toEqual({
      value: "from-keyring-1234",
      source: 'the saved connector "github" (OS keyring or config file)',
    });
    expect(p.logs.join("\n")).toContain("credential github token from environment variable GITHUB_TOKEN");
    expect(p.logs.join("\n")).not.toMatch(/1234/);
  });

  it("resolves synchronously in the same order and with the same log line, without the keyring", () => {
    const p = place({
      env: "APIKIT_TOKEN=from-dotenv-1234\n",
      netrc: "machine api.example.com login me password from-netrc-1234\n",
    });
    const query = { field: "token" as const, host: "api.example.com" };
    const context = { cwd: p.cwd, home: p.home, logger: p.logger };
    expect(resolveCredentialSync(query, { ...context, env: { APIKIT_TOKEN: "env-1234" } })).toEqual({
      value: "env-1234",
      source: "environment variable APIKIT_TOKEN",
    });
    expect(resolveCredentialSync(query, { ...context, env: {} })?.source).toBe(
      `${join(p.cwd, ".env")} (APIKIT_TOKEN)`,
    );
    const netrcOnly = place({ netrc: "machine api.example.com login me password from-netrc-1234\n" });
    expect(
      resolveCredentialSync(query, { cwd: netrcOnly.cwd, home: netrcOnly.home, env: {}, logger: p.logger }),
    ).toEqual({
      value: "from-netrc-1234",
      source: `${join(netrcOnly.home, ".netrc")} (machine api.example.com)`,
    });
    // A saved connector's secret is in the keyring, which is async: the sync chain ends before it.
    const store = { getSecret: () => expect.fail("the store must not be asked") };
    expect(
      resolveCredentialSync(
        { field: "token", connector: "github" },
        { cwd: place().cwd, env: {}, ...({ store } as object) },
      ),
    ).toBeUndefined();
    expect(p.logs).toContain("credential token from environment variable APIKIT_TOKEN");
    expect(p.logs.join("\n")).not.toMatch(/1234/);
  });

  it("refuses a netrc that others can read, saying to chmod 600", async () => {
    const p = place({ netrc: "machine api.example.com password pw-1234\n", netrcMode: 0o644 });
    const error = await resolveCredential(
      { field: "token", host: "api.example.com" },
      { cwd: p.cwd, home: p.home, env: {} },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`chmod 600 ${join(p.home, ".netrc")}`);
    expect((error as Error).message).not.toContain("pw-1234");
  });

  it("says where it looked when nothing is found", async () => {
    const p = place();
    const error = await requireCredential(
      { field: "token", connector: "github", host: "api.github.com" },
      { cwd: p.cwd, home: p.home, env: {}, store: store({}) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `github token is missing: looked in an environment variable (GITHUB_TOKEN or APIKIT_TOKEN), ${join(p.cwd, ".env")}, ~/.netrc (machine api.github.com), the OS keyring (apikit config add github)`,
    );
  });

  it("names environment variables per field and connector", () => {
    expect(envNamesFor({ field: "apiKey", connector: "my-api", envNames: ["MY_KEY"] })).toEqual([
      "MY_KEY",
      "MY_API_API_KEY",
      "APIKIT_API_KEY",
    ]);
    expect(envNamesFor({ field: "clientSecret", connector: "salesforce" })).toEqual([
      "SALESFORCE_CLIENT_SECRET",
    ]);
  });
});

describe("netrc parsing", () => {
  it("finds the machine, falls back to default, skips comments and macros", () => {
    const text = [
      "# comment",
      "machine other.example login a password b",
      "macdef init",
      "  machine api.example.com password wrong",
      "",
      'machine api.example.com login "me too" password "p w"',
      "default login anon password guest",
    ].join("\n");
    expect(parseNetrc(text, "api.example.com")).toEqual({ login: "me too", password: "p w" });
    expect(parseNetrc(text, "unknown.example")).toEqual({ login: "anon", password: "guest" });
    expect(parseNetrc("machine x password y", "z")).toBeUndefined();
  });
});
