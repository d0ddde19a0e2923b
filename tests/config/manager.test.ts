// ConfigManager without the OS keyring: the TOML file, its permissions, its errors and round trips
// (secrets here use storeSecret "file"; keyring.test.ts covers the keyring).
import { chmod, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "smol-toml";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resolveCredential, type SecretStore } from "../../src/config/credentials.js";
import { ConfigManager, defaultConfigPath } from "../../src/config/manager.js";
import { ApiConfig, AuthConfig, PaginationConfig, RetryConfig } from "../../src/config/schemas.js";
import { ConfigError, ConnectorNotFoundError } from "../../src/errors.js";
import { AUTHS, EVERY_FIELD, rejection, SECRET_VALUES, tempConfig } from "./fixtures.js";

let temp: Awaited<ReturnType<typeof tempConfig>>;
let warnings: string[];
const manager = () => new ConfigManager({ path: temp.path, logger: { warn: (m) => warnings.push(m) } });

beforeEach(async () => {
  temp = await tempConfig();
  warnings = [];
});
afterEach(() => temp.cleanup());

/** The shape of a zod object, or of the object inside a transform. */
function shapeOf(schema: unknown): Record<string, unknown> {
  const s = schema as { shape?: Record<string, unknown>; in?: { shape: Record<string, unknown> } };
  return s.shape ?? s.in?.shape ?? {};
}
const fieldsOf = (schema: unknown) => Object.keys(shapeOf(schema)).sort();

/** Writes a config file by hand, mode 0600 in a 0700 dir, as a user editing it would. */
async function writeConfig(text: string): Promise<void> {
  await mkdir(dirname(temp.path), { recursive: true, mode: 0o700 });
  await writeFile(temp.path, text, { mode: 0o600 });
}

describe("round trips", () => {
  it("the fixtures set every field of ApiConfig and of every auth type", () => {
    // `timeout` is timeoutMs's deprecated alias: read into timeoutMs, never kept beside it.
    const current = fieldsOf(ApiConfig).filter((field) => field !== "timeout");
    expect(Object.keys({ ...EVERY_FIELD, auth: {} }).sort()).toEqual(current);
    expect(Object.keys(EVERY_FIELD.retry!).sort()).toEqual(fieldsOf(RetryConfig));
    expect(Object.keys(EVERY_FIELD.pagination!).sort()).toEqual(fieldsOf(PaginationConfig));
    for (const option of AuthConfig.options) {
      const type = (shapeOf(option).type as { value: string }).value;
      const set = new Set(
        Object.values(AUTHS).flatMap((auth) => (auth.type === type ? Object.keys(auth) : [])),
      );
      expect(
        fieldsOf(option).filter((field) => !set.has(field)),
        `auth type ${type}`,
      ).toEqual([]);
    }
  });

  it.each(Object.keys(AUTHS))("keeps every field through the TOML file, with %s auth", async (kind) => {
    const input = { ...EVERY_FIELD, auth: AUTHS[kind]! };
    await manager().addConnector("api", input, { storeSecret: "file" });

    const fresh = manager();
    expect(await fresh.getApiConfig("api")).toEqual(ApiConfig.parse(input));
    const {
      token: _t,
      apiKey: _k,
      password: _p,
      clientSecret: _c,
      ...publicAuth
    } = input.auth as Record<string, unknown>;
    expect(await fresh.getConnector("api")).toEqual({ ...EVERY_FIELD, auth: publicAuth });
  });

  it("keeps a minimal connector minimal: defaults are applied on read, not written", async () => {
    await manager().addConnector("tiny", { baseUrl: "https://tiny.test/" });
    const stored = parse(await readFile(temp.path, "utf8"));
    expect(stored).toEqual({ connectors: { tiny: { baseUrl: "https://tiny.test/" } } });
    expect(await manager().getApiConfig("tiny")).toEqual(ApiConfig.parse({ baseUrl: "https://tiny.test/" }));
  });

  it("replaces a connector saved again under the same name", async () => {
    await manager().addConnector(
      "api",
      { baseUrl: "https://a.test", auth: AUTHS.basic! },
      { storeSecret: "file" },
    );
    await manager().addConnector(
      "api",
      { baseUrl: "https://b.test", auth: AUTHS.bearer! },
      { storeSecret: "file" },
    );
    const config = await manager().getApiConfig("api");
    expect(config.baseUrl).toBe("https://b.test");
    expect(config.auth).toEqual(AUTHS.bearer);
    expect(await readFile(temp.path, "utf8")).not.toContain("pw-basic-000");
  });

  it("keeps other connectors and unknown top-level tables when it rewrites the file", async () => {
    await writeConfig('[future]\nsetting = "kept"\n\n[connectors.old]\nbaseUrl = "https://old.test"\n');
    await manager().addConnector("new", { baseUrl: "https://new.test" });
    const stored = parse(await readFile(temp.path, "utf8"));
    expect(stored.future).toEqual({ setting: "kept" });
    expect(Object.keys(stored.connectors as object)).toEqual(["new", "old"]);
  });

  it("loses no connector when several are added at once", async () => {
    const config = manager();
    const names = Array.from({ length: 8 }, (_, i) => `c${i}`);
    await Promise.all(names.map((name) => config.addConnector(name, { baseUrl: `https://${name}.test` })));
    expect((await manager().listConnectors()).map((c) => c.name)).toEqual(names);
  });
});

describe("listing and lookup", () => {
  it("lists connectors sorted by name with auth type, base URL and where the secrets are", async () => {
    const config = manager();
    await config.addConnector(
      "zeta",
      { baseUrl: "https://zeta.test", auth: AUTHS.oauth2! },
      { storeSecret: "file" },
    );
    await config.addConnector("alpha", { baseUrl: "https://alpha.test" });
    expect(await config.listConnectors()).toEqual([
      { name: "alpha", authType: "none", baseUrl: "https://alpha.test", secretStore: undefined },
      { name: "zeta", authType: "oauth2", baseUrl: "https://zeta.test", secretStore: "file" },
    ]);
  });

  it("lists nothing when the file does not exist yet, and creates nothing", async () => {
    expect(await manager().listConnectors()).toEqual([]);
    expect(await readdir(temp.dir)).toEqual([]);
  });

  it("names close matches for an unknown connector", async () => {
    await manager().addConnector("github", { baseUrl: "https://api.github.com" });
    // Thunks: a second promise created up front could reject while the first is awaited (unhandled).
    for (const attempt of [() => manager().getApiConfig("githb"), () => manager().removeConnector("githb")]) {
      const error = await rejection(attempt());
      expect(error).toBeInstanceOf(ConnectorNotFoundError);
      expect((error as ConnectorNotFoundError).suggestions).toEqual(["github"]);
      expect(error.message).toContain("Did you mean: github?");
    }
  });

  it("returns a saved auth field, and undefined for a field or connector it does not have", async () => {
    await manager().addConnector(
      "api",
      { baseUrl: "https://a.test", auth: AUTHS.basic! },
      { storeSecret: "file" },
    );
    expect(await manager().getSecret("api", "password")).toBe("pw-basic-000");
    expect(await manager().getSecret("api", "username")).toBe("ada");
    expect(await manager().getSecret("api", "token")).toBeUndefined();
    expect(await manager().getSecret("nope", "token")).toBeUndefined();
  });

  it("serves credential resolution as its secret store, after the environment", async () => {
    await manager().addConnector(
      "api",
      { baseUrl: "https://a.test", auth: AUTHS.bearer! },
      { storeSecret: "file" },
    );
    const store: SecretStore = manager();
    const context = { env: {}, cwd: temp.dir, home: temp.dir, store };
    expect((await resolveCredential({ field: "token", connector: "api" }, context))?.value).toBe(
      "tok-bearer-123",
    );
    const fromEnv = await resolveCredential(
      { field: "token", connector: "api" },
      { ...context, env: { API_TOKEN: "e" } },
    );
    expect(fromEnv?.value).toBe("e");
    expect(await resolveCredential({ field: "token", connector: "other" }, context)).toBeUndefined();
  });

  it("removes a connector from the file", async () => {
    await manager().addConnector("a", { baseUrl: "https://a.test" });
    await manager().addConnector("b", { baseUrl: "https://b.test" });
    await manager().removeConnector("a");
    expect((await manager().listConnectors()).map((c) => c.name)).toEqual(["b"]);
  });
});

describe("the file on disk", () => {
  it("is written with mode 0600 inside a directory it creates with mode 0700", async () => {
    await manager().addConnector("api", { baseUrl: "https://a.test" });
    expect((await stat(temp.path)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(temp.path))).mode & 0o777).toBe(0o700);
  });

  it("is replaced by rename: a new inode each write, no temp file left beside it", async () => {
    await writeConfig('[connectors.old]\nbaseUrl = "https://old.test"\n');
    await chmod(temp.path, 0o644);
    const before = await stat(temp.path);
    await manager().addConnector("api", { baseUrl: "https://a.test" });
    const after = await stat(temp.path);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o600);
    expect(await readdir(dirname(temp.path))).toEqual(["config.toml"]);
  });

  it("is found through APIKIT_CONFIG_PATH, and a path option wins over it", async () => {
    const fromEnv = join(temp.dir, "env", "config.toml");
    const saved = process.env.APIKIT_CONFIG_PATH;
    process.env.APIKIT_CONFIG_PATH = fromEnv;
    try {
      const config = new ConfigManager();
      expect(config.path).toBe(fromEnv);
      await config.addConnector("api", { baseUrl: "https://a.test" });
      expect(parse(await readFile(fromEnv, "utf8")).connectors).toEqual({
        api: { baseUrl: "https://a.test" },
      });
      expect(new ConfigManager({ path: temp.path }).path).toBe(temp.path);
    } finally {
      if (saved === undefined) delete process.env.APIKIT_CONFIG_PATH;
      else process.env.APIKIT_CONFIG_PATH = saved;
    }
  });

  it("defaults to ~/.config/apikit/config.toml, or under XDG_CONFIG_HOME when set", () => {
    expect(defaultConfigPath({})).toBe(join(homedir(), ".config", "apikit", "config.toml"));
    expect(defaultConfigPath({ XDG_CONFIG_HOME: "/xdg" })).toBe(join("/xdg", "apikit", "config.toml"));
    expect(defaultConfigPath({ APIKIT_CONFIG_PATH: "~/my.toml" })).toBe(join(homedir(), "my.toml"));
  });
});

describe("errors", () => {
  it("reports malformed TOML as a ConfigError with the file path and the line", async () => {
    await writeConfig('[connectors.api]\nbaseUrl = "https://a.test"\ntimeout = = 5\n');
    const error = await rejection(manager().listConnectors());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(temp.path);
    expect(error.message).toMatch(/line 3, column \d+/);
    expect((error as ConfigError).issues[0]!.path).toMatch(/config\.toml:3:\d+$/);
  });

  it("reports a stored connector that fails the schema with the connector and each field path", async () => {
    await writeConfig(
      '[connectors.api]\nbaseUrl = "https://a.test"\ntimeout = -5\n\n[connectors.api.pagination]\nstrategy = "sideways"\n',
    );
    for (const attempt of [() => manager().getApiConfig("api"), () => manager().getConnector("api")]) {
      const error = (await rejection(attempt())) as ConfigError;
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toContain('connector "api"');
      expect(error.issues.map((i) => i.path)).toEqual(
        expect.arrayContaining(["connectors.api.timeout", "connectors.api.pagination.strategy"]),
      );
    }
  });

  it("rejects an invalid config before writing anything", async () => {
    const error = (await rejection(
      manager().addConnector("api", { baseUrl: "https://a.test", auth: { type: "bearer", token: "" } }),
    )) as ConfigError;
    expect(error.issues.map((i) => i.path)).toEqual(["auth.token"]);
    expect(await readdir(temp.dir)).toEqual([]);
  });

  it("rejects connector names that are not letters, digits, - and _", async () => {
    for (const name of ["", "my api", "-lead", "a.b", "x/y", "n".repeat(65)]) {
      await expect(manager().addConnector(name, { baseUrl: "https://a.test" })).rejects.toThrow(
        /Invalid connector name/,
      );
    }
    expect(await readdir(temp.dir)).toEqual([]);
  });

  it("reports a secret missing from the file with the connector, the field and where it looked", async () => {
    await writeConfig(
      '[connectors.api]\nbaseUrl = "https://a.test"\nsecretStore = "file"\nsecretFields = ["token"]\n\n' +
        '[connectors.api.auth]\ntype = "bearer"\n',
    );
    const error = (await rejection(manager().getApiConfig("api"))) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('Connector "api" has no secret auth.token');
    expect(error.message).toContain(temp.path);
    expect(error.issues[0]!.path).toBe("connectors.api.auth.token");
  });
});

describe('storeSecret: "file"', () => {
  it("writes the secrets into the 0600 file and warns where they went", async () => {
    await manager().addConnector(
      "api",
      { baseUrl: "https://a.test", auth: AUTHS.oauth2! },
      { storeSecret: "file" },
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("auth.clientSecret");
    expect(warnings[0]).toContain(temp.path);
    const stored = parse(await readFile(temp.path, "utf8")) as { connectors: Record<string, unknown> };
    expect(stored.connectors.api).toMatchObject({
      secretStore: "file",
      secretFields: ["clientSecret"],
      auth: { clientSecret: "cs-oauth2-abc" },
    });
    expect((await stat(temp.path)).mode & 0o777).toBe(0o600);
  });

  it("warns on stderr when no logger is given", async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await new ConfigManager({ path: temp.path }).addConnector(
        "api",
        { baseUrl: "https://a.test", auth: AUTHS.bearer! },
        { storeSecret: "file" },
      );
    } finally {
      spy.mockRestore();
    }
    expect(written.join("")).toMatch(/^apikit: warning: Connector "api": writing auth\.token into /);
  });

  it("does not warn for a connector without secrets", async () => {
    await manager().addConnector("api", { baseUrl: "https://a.test" }, { storeSecret: "file" });
    expect(warnings).toEqual([]);
  });

  it("refuses to read a file that holds secrets and others can read, and says how to fix it", async () => {
    await manager().addConnector(
      "api",
      { baseUrl: "https://a.test", auth: AUTHS.bearer! },
      { storeSecret: "file" },
    );
    await chmod(temp.path, 0o644);
    const error = await rejection(manager().getApiConfig("api"));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`chmod 600 ${temp.path}`);
    await expect(manager().listConnectors()).rejects.toThrow(/chmod 600/);

    await chmod(temp.path, 0o600);
    expect((await manager().getApiConfig("api")).auth).toEqual(AUTHS.bearer);
  });

  it("reads a group-readable file that holds no secrets", async () => {
    await manager().addConnector("api", { baseUrl: "https://a.test" });
    await chmod(temp.path, 0o644);
    expect((await manager().getApiConfig("api")).baseUrl).toBe("https://a.test");
  });

  it("keeps every secret out of the warning", async () => {
    for (const [kind, auth] of Object.entries(AUTHS))
      await manager().addConnector(kind, { baseUrl: "https://a.test", auth }, { storeSecret: "file" });
    for (const secret of SECRET_VALUES) expect(warnings.join("\n")).not.toContain(secret);
  });
});
