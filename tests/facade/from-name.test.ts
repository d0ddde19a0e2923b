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

  it("takes stripe's key from STRIPE_API_KEY too, the name Stripe's own tools use", async () => {
    const api = await echoApi();
    const { cwd, configPath } = folders();
    const client = track(
      await Apikit.fromName("stripe", {
        baseUrl: api.url,
        env: { STRIPE_API_KEY: "sk_test_1234" },
        cwd,
        configPath,
      }),
    );
    expect((await client.fetchRecords("/", { paginate: false }))[0]).toMatchObject({
      auth: "Bearer sk_test_1234",
    });
    const error = await Apikit.fromName("stripe", { env: {}, cwd, configPath }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      "an environment variable (STRIPE_TOKEN or STRIPE_API_KEY or APIKIT_TOKEN)",
    );
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

describe("Apikit.fromName overrides", () => {
  function tokenServer(accessToken: string, instanceUrl: string) {
    return serve((req, res) => {
      const form = new URLSearchParams(req.body);
      if (form.get("client_id") !== "cid" || form.get("client_secret") !== "csecret") {
        json(res, 400, { error: "invalid_client" });
        return;
      }
      json(res, 200, {
        access_token: accessToken,
        instance_url: instanceUrl,
        token_type: "Bearer",
        expires_in: 3600,
      });
    });
  }

  it("sends salesforce's token request to an overriding tokenUrl, without myDomain once baseUrl is given", async () => {
    const api = await serve((req, res) =>
      json(res, 200, { done: true, records: [{ auth: req.headers.authorization ?? null }] }),
    );
    const tokens = await tokenServer("sf-access-1234", api.url);
    const { cwd, configPath } = folders();
    const client = track(
      await Apikit.fromName("salesforce", {
        baseUrl: api.url,
        tokenUrl: `${tokens.url}/services/oauth2/token`,
        clientId: "cid",
        clientSecret: "csecret",
        env: {},
        cwd,
        configPath,
      }),
    );
    expect(client.config.auth).toMatchObject({ tokenUrl: `${tokens.url}/services/oauth2/token` });
    expect((await client.fetchRecords("/query", { paginate: false }))[0]).toMatchObject({
      auth: "Bearer sf-access-1234",
    });
    expect(tokens.requests.map((r) => r.url)).toEqual(["/services/oauth2/token"]);
  });

  it("still asks salesforce for myDomain when only one of baseUrl and tokenUrl is given", async () => {
    const { cwd, configPath } = folders();
    const only = { clientId: "cid", clientSecret: "csecret", env: {}, cwd, configPath };
    await expect(
      Apikit.fromName("salesforce", { ...only, baseUrl: "https://acme.example.test" }),
    ).rejects.toThrow(/needs the option myDomain.*\(or give baseUrl and tokenUrl\)/);
    // With myDomain, a tokenUrl override alone replaces the one built from it.
    const client = track(
      await Apikit.fromName("salesforce", {
        ...only,
        options: { myDomain: "acme" },
        tokenUrl: "https://login.example.test/token",
      }),
    );
    expect(client.config.baseUrl).toBe("https://acme.my.salesforce.com/services/data/v62.0");
    expect(client.config.auth).toMatchObject({ tokenUrl: "https://login.example.test/token" });
  });

  it("needs no storeDomain for shopify or siteDomain for jira when baseUrl is given", async () => {
    const api = await serve((req, res) =>
      json(res, 200, {
        data: [
          { shopify: req.headers["x-shopify-access-token"] ?? null, auth: req.headers.authorization ?? null },
        ],
      }),
    );
    const { cwd, configPath } = folders();
    const shop = track(
      await Apikit.fromName("shopify", {
        baseUrl: `${api.url}/admin/api/2026-07`,
        env: { SHOPIFY_ACCESS_TOKEN: "shpat_1234" },
        cwd,
        configPath,
      }),
    );
    expect((await shop.fetchRecords("/products.json", { paginate: false }))[0]).toMatchObject({
      shopify: "shpat_1234",
    });
    const jira = track(
      await Apikit.fromName("jira", {
        baseUrl: `${api.url}/rest/api/3`,
        env: { JIRA_EMAIL: "me@example.test", JIRA_API_TOKEN: "jira-1234" },
        cwd,
        configPath,
      }),
    );
    expect((await jira.fetchRecords("/myself", { paginate: false }))[0]).toMatchObject({
      auth: `Basic ${Buffer.from("me@example.test:jira-1234").toString("base64")}`,
    });
    await expect(Apikit.fromName("jira", { token: "t", env: {}, cwd, configPath })).rejects.toThrow(
      /siteDomain/,
    );
  });

  it("applies the API-key header and the other auth overrides, and refuses one the auth type lacks", async () => {
    const api = await serve((req, res) =>
      json(res, 200, { data: [{ key: req.headers["x-custom-key"] ?? null }] }),
    );
    const { cwd, configPath } = folders();
    const shop = track(
      await Apikit.fromName("shopify", {
        baseUrl: api.url,
        apiKey: "k-1234",
        apiKeyHeader: "X-Custom-Key",
        env: {},
        cwd,
        configPath,
      }),
    );
    expect((await shop.fetchRecords("/", { paginate: false }))[0]).toEqual({ key: "k-1234" });
    const scoped = track(
      await Apikit.fromName("salesforce", {
        options: { myDomain: "acme" },
        clientId: "cid",
        clientSecret: "csecret",
        scopes: ["api"],
        audience: "https://aud.example.test",
        clientAuth: "client_secret_basic",
        env: {},
        cwd,
        configPath,
      }),
    );
    expect(scoped.config.auth).toMatchObject({
      scopes: ["api"],
      audience: "https://aud.example.test",
      clientAuth: "client_secret_basic",
    });
    const gh = track(
      await Apikit.fromName("github", {
        token: "t",
        headers: { "X-GitHub-Api-Version": "2026-03-10" },
        pagination: { pageSize: 30 },
        env: {},
        cwd,
        configPath,
      }),
    );
    expect(gh.config.headers).toMatchObject({ "X-GitHub-Api-Version": "2026-03-10" });
    expect(gh.config.pagination).toMatchObject({ strategy: "link", pageSize: 30, limitParam: "per_page" });
    const error = await Apikit.fromName("github", {
      token: "t",
      tokenUrl: "https://x.example.test/token",
      env: {},
      cwd,
      configPath,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("tokenUrl");
    expect((error as Error).message).toContain("bearer");
  });
});
