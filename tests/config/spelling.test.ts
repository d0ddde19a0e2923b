// iki-apikit's config file in apikit: its snake_case connector tables (flat base_url, auth_type,
// api_key_header, timeout in seconds, ...) read as apikit's camelCase ones; the mode is checked
// whatever the content. Real files in temp folders; secrets in the file, never the keyring.
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parse } from "smol-toml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigManager } from "../../src/config/manager.js";
import { ConfigError } from "../../src/errors.js";
import { Apikit } from "../../src/facade/index.js";
import { json, startServer } from "../support/server.js";
import { rejection, tempConfig } from "./fixtures.js";

let temp: Awaited<ReturnType<typeof tempConfig>>;
const manager = () => new ConfigManager({ path: temp.path, logger: { warn() {} } });

beforeEach(async () => {
  temp = await tempConfig();
});
afterEach(() => temp.cleanup());

async function writeConfig(text: string, mode = 0o600): Promise<void> {
  await mkdir(dirname(temp.path), { recursive: true, mode: 0o700 });
  await writeFile(temp.path, text, { mode });
  await chmod(temp.path, mode);
}

// The example of iki-apikit's README, as its ConfigManager writes it.
const IKI_README = `[connectors.my_api]
base_url  = "https://api.mycompany.com/v2"
auth_type = "bearer"
# token is in the OS keyring, not stored here

[connectors.another_api]
base_url         = "https://another.example.com"
auth_type        = "apikey"
api_key_header   = "X-Custom-Key"
timeout          = 60
`;

describe("iki-apikit's snake_case connectors", () => {
  it("reads the file of iki-apikit's README: names, auth types, base URLs, the key header", async () => {
    await writeConfig(IKI_README);
    expect(await manager().listConnectors()).toEqual([
      {
        name: "another_api",
        authType: "apikey",
        baseUrl: "https://another.example.com",
        secretStore: undefined,
      },
      { name: "my_api", authType: "bearer", baseUrl: "https://api.mycompany.com/v2", secretStore: undefined },
    ]);
    expect(await manager().getConnector("another_api")).toEqual({
      baseUrl: "https://another.example.com",
      auth: { type: "apikey", header: "X-Custom-Key" },
      timeout: 60_000,
    });
    // A bearer connector whose token iki-apikit kept elsewhere still loads, without it.
    expect(await manager().getConnector("my_api")).toEqual({
      baseUrl: "https://api.mycompany.com/v2",
      auth: { type: "bearer" },
    });
  });

  it("reads iki-apikit's timeout in seconds as milliseconds, and a camelCase timeout as milliseconds", async () => {
    await writeConfig(
      [
        "[connectors.iki]",
        'base_url = "https://a.test"',
        "timeout = 2.5",
        "[connectors.apikit]",
        'baseUrl = "https://a.test"',
        "timeout = 2500",
      ].join("\n"),
    );
    expect((await manager().getApiConfig("iki")).timeoutMs).toBe(2500);
    // apikit's own deprecated name `timeout` (ms) is read as timeoutMs.
    expect((await manager().getApiConfig("apikit")).timeoutMs).toBe(2500);
  });

  it("maps every iki-apikit setting: flat auth fields, retry in attempts and seconds, snake_case pagination", async () => {
    await writeConfig(`
[connectors.full]
base_url = "https://api.example.test/v1/"
auth_type = "oauth2"
client_id = "cid"
client_secret = "cs-1234"
token_url = "https://auth.example.test/token"
scopes = ["read", "write"]
headers = { "X-Team" = "data" }
verify_ssl = false
follow_redirects = false
name = "full"
cache = { enabled = true, ttl = 300 }

[connectors.full.retry]
max_attempts = 5
min_wait = 1.5
max_wait = 30
jitter = 1.0
retry_on_status = [429, 503]

[connectors.full.pagination]
strategy = "cursor"
page_size = 200
max_pages = 10
cursor_param = "next"
next_cursor_path = "paging.next_token"
has_more_path = "paging.more"
data_path = "records"
graphql_after_var = "after"

[connectors.basic]
base_url = "https://b.example.test"
auth_type = "basic"
username = "ada"
password = "pw-1234"
max_retries = 2
`);
    const full = await manager().getApiConfig("full");
    expect(full).toMatchObject({
      baseUrl: "https://api.example.test/v1",
      auth: {
        type: "oauth2",
        clientId: "cid",
        clientSecret: "cs-1234",
        tokenUrl: "https://auth.example.test/token",
        scopes: ["read", "write"],
      },
      headers: { "X-Team": "data" },
      verifySsl: false,
      maxRedirects: 0,
      retry: { maxRetries: 4, initialDelayMs: 1500, maxDelayMs: 30_000, statusCodes: [429, 503] },
      pagination: {
        strategy: "cursor",
        pageSize: 200,
        maxPages: 10,
        cursorParam: "next",
        nextCursorPath: "paging.next_token",
        hasMorePath: "paging.more",
        dataPath: "records",
      },
    });
    expect((await manager().getApiConfig("basic")).auth).toEqual({
      type: "basic",
      username: "ada",
      password: "pw-1234",
    });
    expect((await manager().getApiConfig("basic")).retry.maxRetries).toBe(2);
  });

  it("builds a client with Apikit.fromName, the token from the connector's environment variable", async () => {
    const api = await startServer((req, res) =>
      json(res, 200, [{ auth: req.headers.authorization ?? null }]),
    );
    try {
      await writeConfig(`[connectors.my_api]\nbase_url = "${api.url}"\nauth_type = "bearer"\n`);
      await using client = await Apikit.fromName("my_api", {
        configPath: temp.path,
        env: { MY_API_TOKEN: "env-token-1234" },
        cwd: temp.dir,
      });
      expect(await client.fetchRecords("/", { paginate: false })).toEqual([
        { auth: "Bearer env-token-1234" },
      ]);
    } finally {
      await api.close();
    }
  });

  it("writes camelCase when it saves, and the snake_case connector reads the same afterwards", async () => {
    await writeConfig(IKI_README);
    const before = await manager().getConnector("another_api");
    await manager().addConnector("new_api", { baseUrl: "https://new.example.test" });
    const written = parse(await readFile(temp.path, "utf8")) as { connectors: Record<string, unknown> };
    expect(written.connectors.another_api).toEqual({
      baseUrl: "https://another.example.com",
      auth: { type: "apikey", header: "X-Custom-Key" },
      timeout: 60_000,
    });
    expect(await manager().getConnector("another_api")).toEqual(before);
  });

  it("refuses a setting given in both spellings, naming both", async () => {
    await writeConfig('[connectors.api]\nbase_url = "https://a.test"\nbaseUrl = "https://b.test"\n');
    const error = await rejection(manager().getConnector("api"));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("base_url and baseUrl are the same setting (baseUrl): keep one");
    expect((error as ConfigError).issues[0]?.path).toBe("connectors.api.baseUrl");
  });

  it("names a key neither spelling knows as it is written in the file", async () => {
    await writeConfig('[connectors.api]\nbase_url = "https://a.test"\npage_sise = 10\n');
    const error = await rejection(manager().getConnector("api"));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(["connectors.api.page_sise"]);
  });
});

describe("the file's mode is checked whatever its content", () => {
  it("says a group-readable file that is not valid TOML is exposed (chmod 600), and where the TOML breaks", async () => {
    await writeConfig('[connectors.api]\nbase_url = "https://a.test"\ntoken = "tok-1234\n', 0o644);
    const error = await rejection(manager().listConnectors());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      new RegExp(
        `^The config file ${temp.path} may hold secrets but other users can access it \\(mode 644\\)\\. Restrict it with: chmod 600 `,
      ),
    );
    expect(error.message).toContain("is not valid TOML: line 3");
    expect(error.message).not.toContain("tok-1234");
  });

  it("says a group-readable file whose connectors are malformed is exposed", async () => {
    await writeConfig('connectors = "oops"\n', 0o640);
    const error = await rejection(manager().listConnectors());
    expect(error.message).toContain("may hold secrets but other users can access it (mode 640)");
    expect(error.message).toContain("connectors: must be a table");
  });

  it("refuses a world-readable iki-apikit file with a token in it", async () => {
    await writeConfig(
      '[connectors.api]\nbase_url = "https://a.test"\nauth_type = "bearer"\ntoken = "tok-1234"\n',
      0o604,
    );
    const error = await rejection(manager().getConnector("api"));
    expect(error.message).toContain(
      `holds secrets but other users can access it (mode 604). Restrict it with: chmod 600 ${temp.path}`,
    );
    expect(error.message).not.toContain("tok-1234");
  });

  it("still reads a group-readable file without secrets, in either spelling", async () => {
    await writeConfig(IKI_README, 0o644);
    expect((await manager().getConnector("another_api")).timeout).toBe(60_000);
  });
});
