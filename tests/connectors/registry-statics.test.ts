// iki-apikit's registry shapes: ConnectorRegistry.list/get/register as statics over the default
// registry, a plain definition object (validated, with <NAME>_TOKEN credentials), and the decorator
// form (a function returning a definition); then fromName against a loopback server. Each test file
// runs in its own process, so what is registered here stays here.
import { afterEach, describe, expect, it } from "vitest";
import {
  type ConnectorDefinitionInput,
  ConnectorRegistry,
  connectorNeeds,
  connectors,
  defineConnector,
} from "../../src/connectors/index.js";
import { ConfigError } from "../../src/errors.js";
import { Apikit } from "../../src/facade/index.js";
import { json, makeRecords, type TestServer, useLoopback } from "../support/server.js";
import { basic, useFromName } from "./support.js";

const { serve } = useLoopback(afterEach, (o: { baseUrl: string }) => new Apikit(o));
const named = useFromName(afterEach);

/** What `run` threw: a ConfigError, checked. */
function configError(run: () => unknown): ConfigError {
  const error = (() => {
    try {
      run();
    } catch (thrown) {
      return thrown;
    }
  })();
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

const RECORDS = makeRecords(450);

/** A cursor API as in iki-apikit's custom-connector example: { records, paging: { next_token } }. */
function cursorApi(token: string): Promise<TestServer> {
  return serve((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { error: "unauthorized" });
    const limit = Number(req.query.get("limit") ?? 100);
    const start = Number(req.query.get("next") ?? 0);
    const end = start + limit;
    json(res, 200, {
      records: RECORDS.slice(start, end),
      paging: { next_token: end < RECORDS.length ? String(end) : null },
    });
  });
}

const pagination = {
  strategy: "cursor",
  pageSize: 200,
  cursorParam: "next",
  nextCursorPath: "paging.next_token",
  dataPath: "records",
} as const;

describe("ConnectorRegistry statics", () => {
  it("list the default registry's names and get from it, as iki-apikit's do", () => {
    expect(ConnectorRegistry.list()).toEqual(connectors.list().map((c) => c.name));
    expect(ConnectorRegistry.list()).toContain("github");
    expect(ConnectorRegistry.get("GitHub")).toBe(connectors.get("github"));
    expect(() => ConnectorRegistry.get("githb")).toThrow(/Did you mean: github/);
  });

  it("register a plain definition that fromName then uses with a token", async () => {
    const api = await cursorApi("my-token-1234");
    const definition = ConnectorRegistry.register({
      name: "my_api",
      baseUrl: `${api.url}/v2/`,
      authType: "bearer",
      pagination,
      headers: { "X-Team": "data" },
      description: "My Company API — bearer token, cursor pagination.",
    });
    expect(ConnectorRegistry.list()).toContain("my_api");
    expect(ConnectorRegistry.get("my_api")).toBe(definition);
    expect(connectors.get("MY_API")).toBe(definition);
    expect(definition.credentials).toEqual({ token: "MY_API_TOKEN" });
    expect(connectorNeeds(definition)).toEqual([{ name: "token", kind: "secret", env: ["MY_API_TOKEN"] }]);

    const client = await named("my_api", { token: "my-token-1234" });
    const records = await client.fetchRecords("/items");
    expect(records).toEqual(RECORDS);
    expect(api.requests.map((r) => r.url)).toEqual([
      "/v2/items?limit=200",
      "/v2/items?limit=200&next=200",
      "/v2/items?limit=200&next=400",
    ]);
    expect(api.requests.every((r) => r.headers["x-team"] === "data")).toBe(true);

    // The <NAME>_TOKEN convention, as the credential chain has it for any connector.
    const fromEnv = await named("my_api", { env: { MY_API_TOKEN: "my-token-1234" } });
    expect(await fromEnv.fetchRecords("/items", { paginate: false })).toHaveLength(100);
    const missing = await named("my_api", {}).catch((e: unknown) => e);
    expect((missing as Error).message.split("\n")[0]).toBe(
      "the my_api connector needs a token: pass { token } or set MY_API_TOKEN",
    );
  });

  it("take the decorator form: a function returning a plain definition or a defineConnector() one", async () => {
    const api = await serve((req, res) => json(res, 200, [{ auth: req.headers.authorization ?? null }]));
    const _basicApi = () =>
      ({
        name: "fn_basic",
        baseUrl: api.url,
        authType: "basic",
      }) satisfies ConnectorDefinitionInput;
    const plain = ConnectorRegistry.register(_basicApi);
    expect(plain.name).toBe("fn_basic");
    expect(plain.credentials).toEqual({ username: "FN_BASIC_USERNAME", password: "FN_BASIC_PASSWORD" });
    const client = await named("fn_basic", { token: "me@example.test:pw-1" });
    expect(await client.fetchRecords("/", { paginate: false })).toEqual([
      { auth: basic("me@example.test", "pw-1") },
    ]);

    const defined = ConnectorRegistry.register(() =>
      defineConnector({
        name: "fn_defined",
        description: "defined",
        docs: "https://example.test/docs",
        authType: "none",
        credentials: {},
        build: () => ({ baseUrl: api.url, auth: { type: "none" } }),
      }),
    );
    expect(ConnectorRegistry.get("fn_defined")).toBe(defined);
    expect(ConnectorRegistry.list()).toEqual([...ConnectorRegistry.list()].sort());
  });

  it("refuse a name already taken unless asked to replace it", () => {
    const first = ConnectorRegistry.register({
      name: "twice",
      baseUrl: "https://one.example.test",
      authType: "none",
    });
    expect(configError(() => ConnectorRegistry.register({ ...first, name: "twice" })).message).toContain(
      '"twice" is already registered',
    );
    ConnectorRegistry.register(
      { name: "twice", baseUrl: "https://two.example.test", authType: "none" },
      { replace: true },
    );
    expect(ConnectorRegistry.get("twice").config().baseUrl).toBe("https://two.example.test");
  });
});

describe("a plain definition", () => {
  it("maps token by auth type: an apikey connector sends it as X-API-Key", async () => {
    const api = await serve((req, res) => json(res, 200, [{ key: req.headers["x-api-key"] ?? null }]));
    const registry = new ConnectorRegistry().register({
      name: "keyed",
      baseUrl: api.url,
      authType: "apikey",
      docs: "https://example.test/docs",
    });
    expect(registry.get("keyed")).toMatchObject({
      authType: "apikey",
      credentials: { apiKey: "KEYED_API_KEY" },
      docs: "https://example.test/docs",
      description: api.url,
    });
    const client = await named("keyed", { registry, token: "key-1234" });
    expect(await client.fetchRecords("/", { paginate: false })).toEqual([{ key: "key-1234" }]);
  });

  it("gives a fresh config each time, with its pagination as given", () => {
    const registry = new ConnectorRegistry([
      { name: "paged", baseUrl: "https://api.example.test/v1/", authType: "bearer", pagination },
    ]);
    const config = registry.get("paged").config();
    expect(config).toEqual({
      baseUrl: "https://api.example.test/v1",
      auth: { type: "bearer" },
      pagination,
    });
    (config.pagination as Record<string, unknown>).pageSize = 1;
    expect(registry.get("paged").config().pagination).toEqual(pagination);
  });

  const invalid: Array<[string, unknown, string, RegExp]> = [
    [
      "an unknown key (snake_case)",
      {
        name: "bad",
        base_url: "https://x.example.test",
        baseUrl: "https://x.example.test",
        authType: "none",
      },
      "base_url",
      /did you mean baseUrl/,
    ],
    [
      "an unknown auth type",
      { name: "bad", baseUrl: "https://x.example.test", authType: "token" },
      "authType",
      /bearer/,
    ],
    [
      "a base URL without its scheme",
      { name: "bad", baseUrl: "api.example.test/v1", authType: "bearer" },
      "baseUrl",
      /absolute http\(s\) URL/,
    ],
    [
      "an unknown pagination strategy",
      { name: "bad", baseUrl: "https://x.example.test", authType: "none", pagination: { strategy: "pages" } },
      "pagination.strategy",
      /offset/,
    ],
    [
      "a name in capitals",
      { name: "Bad", baseUrl: "https://x.example.test", authType: "none" },
      "name",
      /lower-case/,
    ],
    ["no base URL", { name: "bad", authType: "none" }, "baseUrl", /baseUrl is required/],
  ];
  for (const [what, input, path, message] of invalid) {
    it(`is refused with a ConfigError naming the path: ${what}`, () => {
      for (const register of [
        () => ConnectorRegistry.register(input as ConnectorDefinitionInput),
        () => new ConnectorRegistry().register(() => input as ConnectorDefinitionInput),
      ]) {
        const error = configError(register);
        expect(error.issues.map((i) => i.path)).toEqual([path]);
        expect(error.issues[0]?.message).toMatch(message);
        expect(error.message).toContain(`- ${path}:`);
      }
      expect(ConnectorRegistry.list()).not.toContain("bad");
    });
  }

  it("is refused when it is not an object at all", () => {
    const error = configError(() =>
      ConnectorRegistry.register(() => undefined as unknown as ConnectorDefinitionInput),
    );
    expect(error.message).toContain("Invalid connector definition");
  });
});
