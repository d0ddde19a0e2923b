// Apikit.fromName: built-in connectors and saved ones, secrets from the environment, .env, netrc or
// the config file; never a secret in code. Real files in temp folders, a real loopback API.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigManager } from "../../src/config/manager.js";
import { ConfigError, ConnectorNotFoundError } from "../../src/errors.js";
import { Apikit } from "../../src/facade/index.js";
import { json, useLoopback } from "../support/server.js";

const { serve } = useLoopback(afterEach, (o: { baseUrl: string }) => new Apikit(o));
const opened: Apikit[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});
const track = (c: Apikit) => {
  opened.push(c);
  return c;
};

function folders() {
  const cwd = mkdtempSync(join(tmpdir(), "apikit-fromname-"));
  return { cwd, configPath: join(cwd, "config", "config.toml") };
}

async function echoApi() {
  return serve((req, res) =>
    json(res, 200, {
      data: [
        { auth: req.headers.authorization ?? null, version: req.headers["x-github-api-version"] ?? null },
      ],
    }),
  );
}

describe("Apikit.fromName", () => {
  it("builds a built-in connector with the token from its environment variable", async () => {
    const api = await echoApi();
    const { cwd, configPath } = folders();
    const client = track(
      await Apikit.fromName("github", {
        baseUrl: api.url,
        env: { GITHUB_TOKEN: "gh-token-1234" },
        cwd,
        configPath,
      }),
    );
    const [record] = await client.fetchRecords("/user/repos", { paginate: false });
    expect(record).toEqual({ auth: "Bearer gh-token-1234", version: "2022-11-28" });
    expect(client.config.pagination).toMatchObject({
      strategy: "link",
      pageSize: 100,
      limitParam: "per_page",
    });
  });

  it("reads .env in the working directory when the environment has nothing", async () => {
    const api = await echoApi();
    const { cwd, configPath } = folders();
    writeFileSync(join(cwd, ".env"), "STRIPE_TOKEN=sk_test_dotenv_1234\n");
    const client = track(await Apikit.fromName("stripe", { baseUrl: api.url, env: {}, cwd, configPath }));
    expect((await client.fetchRecords("/", { paginate: false }))[0]).toMatchObject({
      auth: "Bearer sk_test_dotenv_1234",
    });
  });

  it("uses a saved connector from the config file, with its secret kept in that file", async () => {
    const api = await echoApi();
    const { cwd, configPath } = folders();
    const manager = new ConfigManager({ path: configPath, logger: { warn() {} } });
    await manager.addConnector(
      "internal",
      {
        baseUrl: api.url,
        auth: { type: "bearer", token: "saved-token-1234" },
        headers: { "X-Team": "data" },
      },
      { storeSecret: "file" },
    );
    chmodSync(configPath, 0o600);
    const client = track(await Apikit.fromName("internal", { env: {}, cwd, configPath }));
    expect((await client.fetchRecords("/", { paginate: false }))[0]).toMatchObject({
      auth: "Bearer saved-token-1234",
    });
    expect(client.config.headers).toMatchObject({ "X-Team": "data" });
    // The environment still wins over what was saved.
    const env = track(
      await Apikit.fromName("internal", { env: { INTERNAL_TOKEN: "env-token-1234" }, cwd, configPath }),
    );
    expect((await env.fetchRecords("/", { paginate: false }))[0]).toMatchObject({
      auth: "Bearer env-token-1234",
    });
  });

  it("an explicit option wins, and connector options are checked", async () => {
    const api = await echoApi();
    const { cwd, configPath } = folders();
    const client = track(
      await Apikit.fromName("github", {
        baseUrl: api.url,
        token: "explicit-1234",
        env: { GITHUB_TOKEN: "env" },
        cwd,
        configPath,
      }),
    );
    expect((await client.fetchRecords("/", { paginate: false }))[0]).toMatchObject({
      auth: "Bearer explicit-1234",
    });
    await expect(Apikit.fromName("shopify", { token: "t", env: {}, cwd, configPath })).rejects.toThrow(
      /storeDomain/,
    );
  });

  it("says where it looked for a missing secret, and suggests close names for an unknown connector", async () => {
    const { cwd, configPath } = folders();
    const error = await Apikit.fromName("github", { env: {}, cwd, configPath }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(
      "github token is missing: looked in an environment variable (GITHUB_TOKEN or APIKIT_TOKEN)",
    );
    const unknown = await Apikit.fromName("githb", { env: {}, cwd, configPath }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ConnectorNotFoundError);
    expect((unknown as ConnectorNotFoundError).suggestions).toContain("github");
  });
});
