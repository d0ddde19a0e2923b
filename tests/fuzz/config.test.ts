// Fuzzing the TOML config loader: arbitrary text in the config file (near-valid connectors with garbage
// spliced in, deep dotted keys, huge values) is read by a ConfigManager, which answers or throws a
// ConfigError / ConnectorNotFoundError, in bounded time. The OS keyring is never reached: the methods
// called do not use it, and getApiConfig is only asked for connectors whose secrets are not in it.
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { parse, stringify, type TomlTable } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigManager, SECRET_AUTH_FIELDS } from "../../src/config/manager.js";
import { ConfigError, ConnectorNotFoundError } from "../../src/errors.js";
import {
  garbage,
  longRun,
  mutated,
  numberText,
  type Outcome,
  settleAsync,
  TEST_TIMEOUT_MS,
} from "./support.js";

/** A read of the config file (open, parse, validate) on a busy machine. */
const LOAD_BUDGET_MS = 1_000;
const CONFIG_RUNS = 300;

const tomlScalar = fc.oneof(
  garbage,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.date({ min: new Date("0001-01-01"), max: new Date("9999-12-31"), noInvalidDate: true }),
);
const { tomlValue } = fc.letrec<{ tomlValue: unknown }>((tie) => ({
  tomlValue: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tomlScalar,
    fc.array(tie("tomlValue"), { maxLength: 3 }),
    fc.dictionary(garbage, tie("tomlValue"), { maxKeys: 3 }),
  ),
}));

/** `http://h.test/` then a long run of slashes, then something or nothing. */
const slashyUrl = fc
  .tuple(fc.integer({ min: 1_000, max: 100_000 }), fc.constantFrom("", "a", "?q=1", "/v1"))
  .map(([n, tail]) => `http://h.test/${"/".repeat(n)}${tail}`);
const url = fc.oneof(
  fc.webUrl(),
  fc.constantFrom("https://api.example.test/v1/", "ftp://x.test", "http://", "api.example.test", ""),
  garbage,
  slashyUrl,
);
const str = fc.oneof(garbage, fc.constantFrom("x", "token-123"));
const auth = fc.oneof(
  fc.record({ type: fc.constantFrom("none", "bearer", "apikey", "basic", "oauth2", "magic") }),
  fc.record({ type: fc.constant("bearer"), token: str }, { requiredKeys: ["type"] }),
  fc.record(
    { type: fc.constant("apikey"), apiKey: str, header: str, queryParam: str },
    { requiredKeys: ["type"] },
  ),
  fc.record({ type: fc.constant("basic"), username: str, password: str }, { requiredKeys: ["type"] }),
  fc.record(
    {
      type: fc.constant("oauth2"),
      clientId: str,
      clientSecret: str,
      tokenUrl: url,
      scopes: fc.array(str, { maxLength: 2 }),
      clientAuth: fc.constantFrom("client_secret_post", "client_secret_basic", "x"),
    },
    { requiredKeys: ["type"] },
  ),
  fc.dictionary(garbage, tomlValue, { maxKeys: 3 }),
);
const connector = fc.record(
  {
    baseUrl: url,
    auth,
    headers: fc.dictionary(garbage, fc.oneof(str, fc.integer()), { maxKeys: 3 }),
    timeout: fc.oneof(fc.double(), fc.integer(), str),
    retry: fc.record(
      {
        maxRetries: fc.integer({ min: -5, max: 200 }),
        statusCodes: fc.array(fc.integer(), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    pagination: fc.record(
      {
        strategy: fc.constantFrom("offset", "page", "cursor", "link", "none", "auto", "sideways"),
        pageSize: fc.integer(),
        dataPath: fc.oneof(str, fc.constantFrom("data.items", "a..b", "a\\")),
      },
      { requiredKeys: [] },
    ),
    secretStore: fc.oneof(fc.constantFrom("file", "keyring"), garbage),
    secretFields: fc.array(fc.oneof(fc.constantFrom(...SECRET_AUTH_FIELDS), garbage), { maxLength: 3 }),
    extra: tomlValue,
  },
  { requiredKeys: [] },
);
/** A connector that validates (secrets kept in the file), so that the fuzz also reaches the success paths. */
const validConnector = fc
  .record({
    baseUrl: fc.oneof(fc.webUrl({ validSchemes: ["http", "https"] }), slashyUrl),
    auth: fc.constantFrom(
      { type: "none" },
      { type: "bearer", token: "t-1" },
      { type: "apikey", apiKey: "k-1", queryParam: "key" },
      { type: "basic", username: "ada", password: "pw" },
    ),
    timeout: fc.integer({ min: 1, max: 1_000_000 }),
    headers: fc.dictionary(garbage, garbage, { maxKeys: 3 }),
    pagination: fc.record(
      { strategy: fc.constantFrom("offset", "page", "cursor", "link", "none", "auto"), dataPath: garbage },
      { requiredKeys: [] },
    ),
  })
  .map((c) => {
    const secretFields = SECRET_AUTH_FIELDS.filter((field) => field in c.auth);
    return secretFields.length > 0 ? { ...c, secretStore: "file", secretFields } : c;
  });
/** iki-apikit's snake_case layout, with its values as wrong as the camelCase ones above. */
const snakeConnector = fc.record(
  {
    base_url: url,
    auth_type: fc.oneof(fc.constantFrom("none", "bearer", "apikey", "basic", "oauth2"), garbage),
    token: str,
    api_key: str,
    api_key_header: str,
    username: str,
    password: str,
    client_id: str,
    token_url: url,
    timeout: fc.oneof(fc.double(), fc.integer(), str),
    max_retries: fc.integer({ min: -5, max: 200 }),
    follow_redirects: fc.oneof(fc.boolean(), str),
    cache: tomlValue,
    baseUrl: url, // both spellings at once
    retry: fc.record(
      { max_attempts: fc.oneof(fc.integer(), str), min_wait: fc.double(), jitter: fc.double() },
      { requiredKeys: [] },
    ),
    pagination: fc.record(
      { page_size: fc.integer(), data_path: str, graphql_after_var: str, pageSize: fc.integer() },
      { requiredKeys: [] },
    ),
    rate_limit: fc.record({ requests_per_second: fc.double(), burst: fc.integer() }, { requiredKeys: [] }),
    extra: tomlValue,
  },
  { requiredKeys: [] },
);
const connectorName = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/),
  garbage,
  fc.constantFrom("__proto__", "constructor", "toString", ""),
);
const document = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      connectors: fc.dictionary(connectorName, fc.oneof(validConnector, connector, snakeConnector), {
        maxKeys: 3,
      }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ connectors: tomlValue, other: tomlValue }, { requiredKeys: [] }) },
);
const documentText = document.map((doc) => {
  try {
    return stringify(doc);
  } catch {
    return ""; // a value smol-toml cannot write: an empty file is a fine input too
  }
});

const configText = fc.oneof(
  { weight: 3, arbitrary: documentText },
  { weight: 4, arbitrary: mutated(documentText) },
  { weight: 1, arbitrary: garbage },
  {
    weight: 1,
    arbitrary: numberText.map((n) => `[connectors.api]\nbaseUrl = "http://h.test"\ntimeout = ${n}\n`),
  },
  { weight: 1, arbitrary: longRun(fc.constantFrom("[", "a.", "{ b = ", '"', "[[x]]\n", "=", "\\u", "#")) },
  {
    // Dotted keys deep enough to exhaust a recursive parser's stack.
    weight: 1,
    arbitrary: fc
      .integer({ min: 10, max: 100_000 })
      .map((n) => `[connectors.api]\nbaseUrl = "http://h.test"\n${"a.".repeat(n)}b = 1\n`),
  },
);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "apikit-fuzz-config-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Whether getApiConfig(name) could ask the keyring, judged from the file as written to disk. */
async function mayReachKeyring(path: string, name: string): Promise<boolean> {
  let doc: TomlTable;
  try {
    doc = parse(await readFile(path, "utf8"));
  } catch {
    return false; // the manager fails to parse it too, before any secret is looked up
  }
  const connectors = doc.connectors;
  if (typeof connectors !== "object" || connectors === null || !Object.hasOwn(connectors, name)) return false;
  const table = (connectors as Record<string, unknown>)[name] as Record<string, unknown>;
  if (typeof table !== "object" || table === null) return false;
  const fields = table.secretFields;
  return (table.secretStore ?? "keyring") === "keyring" && Array.isArray(fields) && fields.length > 0;
}

/** A failed read must be one of the two typed errors a config read documents. */
function expectConfigFailure(outcome: Outcome<unknown>, unknownName: boolean): void {
  if (outcome.ok) return;
  if (unknownName && outcome.error instanceof ConnectorNotFoundError) return;
  expect(outcome.error).toBeInstanceOf(ConfigError);
  expect(outcome.error.message.length).toBeGreaterThan(0);
}

describe("fuzz: TOML config file", () => {
  it(
    "any file content gives connectors or a ConfigError, never a crash or a hang",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          configText,
          fc.constantFrom(0o600, 0o600, 0o644),
          connectorName,
          async (text, mode, otherName) => {
            const path = join(dir, "config.toml");
            await writeFile(path, text);
            await chmod(path, mode);
            const manager = new ConfigManager({ path, logger: { warn: () => undefined } });

            const listed = await settleAsync(() => manager.listConnectors(), LOAD_BUDGET_MS);
            expectConfigFailure(listed, false);
            const names = listed.ok ? listed.value.map((c) => c.name) : [];
            if (listed.ok) {
              expect(names).toEqual([...names].sort());
              for (const summary of listed.value) {
                expect(typeof summary.authType).toBe("string");
                expect(typeof summary.baseUrl).toBe("string");
                expect([undefined, "file", "keyring"]).toContain(summary.secretStore);
              }
            }

            for (const name of [...names.slice(0, 2), otherName]) {
              const known = names.includes(name);
              const stored = await settleAsync(() => manager.getConnector(name), LOAD_BUDGET_MS);
              expectConfigFailure(stored, !known);
              // A file that loads answers a name it does not have with ConnectorNotFoundError.
              if (listed.ok && !known)
                expect(stored.ok ? undefined : stored.error).toBeInstanceOf(ConnectorNotFoundError);
              if (stored.ok) {
                const value = stored.value as Record<string, unknown>;
                expect(Object.hasOwn(value, "secretStore") || Object.hasOwn(value, "secretFields")).toBe(
                  false,
                );
                const storedAuth = value.auth as Record<string, unknown> | undefined;
                for (const field of SECRET_AUTH_FIELDS) expect(storedAuth?.[field]).toBeUndefined();
              }

              if (await mayReachKeyring(path, name)) continue;
              const config = await settleAsync(() => manager.getApiConfig(name), LOAD_BUDGET_MS);
              expectConfigFailure(config, !known);
              if (config.ok) {
                expect(config.value.baseUrl).toMatch(/^https?:\/\//i);
                expect(config.value.baseUrl.endsWith("/")).toBe(false);
                // getConnector checks the same file with the same schema.
                expect(stored.ok).toBe(true);
              }
            }
          },
        ),
        {
          numRuns: CONFIG_RUNS,
          // A slow input is slow again at each shrinking step: stop shrinking in time to report it.
          interruptAfterTimeLimit: TEST_TIMEOUT_MS / 2,
          markInterruptAsFailure: true,
          examples: [
            // A table 100,000 levels deep, from dotted keys: loads, and fails validation cleanly.
            [`[connectors.api]\nbaseUrl = "http://h.test"\n${"a.".repeat(100_000)}b = 1\n`, 0o600, "api"],
            // The baseUrl transform trimmed trailing slashes with a regex that is quadratic on this.
            [`[connectors.api]\nbaseUrl = "http://h.test/${"/".repeat(100_000)}a"\n`, 0o600, "api"],
          ],
        },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "a connector in iki-apikit's snake_case reads as the same ApiConfig as in camelCase, seconds as ms",
    async () => {
      const auths = fc.constantFrom(
        [{ type: "none" }, { auth_type: "none" }],
        [
          { type: "bearer", token: "t-1" },
          { auth_type: "bearer", token: "t-1" },
        ],
        [
          { type: "apikey", apiKey: "k-1", header: "X-K" },
          { auth_type: "apikey", api_key: "k-1", api_key_header: "X-K" },
        ],
        [
          { type: "apikey", apiKey: "k-1", queryParam: "key" },
          { auth_type: "apikey", api_key: "k-1", api_key_query_param: "key" },
        ],
        [
          { type: "basic", username: "ada", password: "pw" },
          { auth_type: "basic", username: "ada", password: "pw" },
        ],
        [
          { type: "oauth2", clientId: "c", clientSecret: "s", tokenUrl: "https://a.test/t", scopes: ["r"] },
          {
            auth_type: "oauth2",
            client_id: "c",
            client_secret: "s",
            token_url: "https://a.test/t",
            scopes: ["r"],
          },
        ],
      );
      const seconds = fc.oneof(
        fc.integer({ min: 1, max: 3_600 }),
        fc.double({ min: 0.001, max: 3_600, noNaN: true }),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.webUrl({ validSchemes: ["http", "https"] }),
          auths,
          seconds,
          fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
          fc.option(fc.double({ min: 0, max: 60, noNaN: true }), { nil: undefined }),
          fc.option(fc.integer({ min: 1, max: 1_000 }), { nil: undefined }),
          fc.option(fc.boolean(), { nil: undefined }),
          async (baseUrl, [camelAuth, snakeAuth], timeout, attempts, minWait, pageSize, verify) => {
            const retry = {
              ...(attempts === undefined ? {} : { max_attempts: attempts }),
              ...(minWait === undefined ? {} : { min_wait: minWait }),
            };
            const snake = {
              base_url: baseUrl,
              ...snakeAuth,
              timeout,
              ...(verify === undefined ? {} : { verify_ssl: verify }),
              ...(Object.keys(retry).length > 0 ? { retry } : {}),
              ...(pageSize === undefined ? {} : { pagination: { page_size: pageSize } }),
            };
            const camel = {
              baseUrl,
              auth: camelAuth,
              timeout: timeout * 1000,
              ...(verify === undefined ? {} : { verifySsl: verify }),
              retry: {
                ...(attempts === undefined ? {} : { maxRetries: attempts - 1 }),
                ...(minWait === undefined ? {} : { initialDelayMs: minWait * 1000 }),
              },
              ...(pageSize === undefined ? {} : { pagination: { pageSize } }),
            };
            const path = join(dir, "iki.toml");
            await writeFile(path, stringify({ connectors: { iki: snake, camel } }));
            await chmod(path, 0o600);
            const manager = new ConfigManager({ path, logger: { warn: () => undefined } });
            const fromSnake = await manager.getApiConfig("iki");
            const fromCamel = await manager.getApiConfig("camel");
            expect({ ...fromSnake, auth: { ...fromSnake.auth }, headers: { ...fromSnake.headers } }).toEqual({
              ...fromCamel,
              auth: { ...fromCamel.auth },
              headers: { ...fromCamel.headers },
            });
          },
        ),
        { numRuns: 200 },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
