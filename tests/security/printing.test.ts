// Printing shows no secret. Notebooks and logs print whatever they hold, so every public object that
// holds a credential (the client, its config, its auth strategy and dispatcher, the strategies, the
// config manager and the configs it returns, the webhook validators and receiver, errors) goes
// through String(), JSON.stringify, util.inspect (as is, and at every depth with hidden properties)
// and console.log, each built with its own sentinel secret, and none of those texts may hold one.
// The objects keep their secrets for whoever reads them: that is checked too.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { Events, OAuth2Server } from "oauth2-mock-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ApiKeyAuth,
  BasicAuth,
  BearerAuth,
  createAuthStrategy,
  NoAuth,
  OAuth2ClientCredentials,
} from "../../src/auth/index.js";
import type { Keyring } from "../../src/config/keyring.js";
import { ConfigManager } from "../../src/config/manager.js";
import { type ApikitError, AuthError, ConfigError, HttpError, NetworkError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import {
  GenericHmacValidator,
  GitHubWebhookValidator,
  StripeWebhookValidator,
  WebhookReceiver,
} from "../../src/webhook/index.js";
import { json, startServer, useLoopback } from "../support/server.js";
import { consoleLog, Outputs } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));
const root = mkdtempSync(join(tmpdir(), "apikit-printing-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh secret per object, so a leak names the object it came from. */
const secrets: Record<string, string> = {};
function sentinel(name: string): string {
  const value = `SENTINEL-${name.replace(/\W+/g, "-")}-${randomUUID().slice(0, 8)}`;
  secrets[`${name} #${Object.keys(secrets).length}`] = value;
  return value;
}

function expectNothingLeaked(out: Outputs, atLeast: number): void {
  expect(out.count()).toBeGreaterThanOrEqual(atLeast);
  expect(out.leaks()).toEqual([]);
}

const JUPYTER = Symbol.for("Jupyter.display");
type Displayable = { [JUPYTER](): { "text/plain": string } };

/** The client's own objects that hold its credentials, printed every way. */
function printClientParts(out: Outputs, label: string, api: Apikit): void {
  out.printed(`${label} client`, api);
  out.printed(`${label} config`, api.config);
  out.printed(`${label} config.auth`, api.config.auth);
  out.printed(`${label} config.headers`, api.config.headers);
  out.printed(`${label} auth`, api.auth);
  out.printed(`${label} dispatcher`, api.dispatcher);
  out.printed(`${label} in an object`, { api, note: "a notebook cell holding the client" });
}

// ── the client ────────────────────────────────────────────────────────────────────────────────────

interface ClientCase {
  name: string;
  authType: string;
  options(secret: string): Partial<ApikitOptions>;
  /** How the secret is read back from client.config (it must still be there). */
  readBack(api: Apikit): unknown;
}

const CLIENT_CASES: ClientCase[] = [
  {
    name: "bearer",
    authType: "bearer",
    options: (token) => ({ auth: { type: "bearer", token } }),
    readBack: (api) => (api.config.auth as { token: string }).token,
  },
  {
    name: "apikey header",
    authType: "apikey",
    options: (apiKey) => ({ auth: { type: "apikey", apiKey, header: "X-Service-Key" } }),
    readBack: (api) => (api.config.auth as { apiKey: string }).apiKey,
  },
  {
    name: "apikey query",
    authType: "apikey",
    options: (apiKey) => ({ apiKey, apiKeyQueryParam: "appid" }),
    readBack: (api) => (api.config.auth as { apiKey: string }).apiKey,
  },
  {
    name: "basic",
    authType: "basic",
    options: (password) => ({ auth: { type: "basic", username: "someone", password } }),
    readBack: (api) => (api.config.auth as { password: string }).password,
  },
  {
    name: "oauth2",
    authType: "oauth2",
    options: (clientSecret) => ({
      auth: {
        type: "oauth2",
        clientId: "the-client",
        clientSecret,
        tokenUrl: "http://127.0.0.1:9/token",
      },
    }),
    readBack: (api) => (api.config.auth as { clientSecret: string }).clientSecret,
  },
  {
    name: "static header",
    authType: "none",
    options: (token) => ({ headers: { "PRIVATE-TOKEN": token, "X-Team": "data" } }),
    readBack: (api) => api.config.headers["PRIVATE-TOKEN"],
  },
];

const PAGINATIONS = [
  [undefined, "no pagination"],
  ["none", "no pagination"],
  ["auto", "auto pagination"],
  ["offset", "offset pagination"],
  ["cursor", "cursor pagination"],
] as const;

describe("a client", () => {
  it.each(CLIENT_CASES)(
    "with $name auth prints as one line with its base URL, auth type and pagination, and no secret",
    (c) => {
      const out = new Outputs(secrets);
      const baseUrl = "http://127.0.0.1:9/api/v2";
      for (const [strategy, pagination] of PAGINATIONS) {
        const secret = sentinel(c.name);
        const api = new Apikit({
          baseUrl,
          ...c.options(secret),
          ...(strategy ? { pagination: { strategy } } : {}),
        });
        const line = `Apikit ${baseUrl} (${c.authType}, ${pagination})`;
        const forms = out.printed(`${c.name} ${strategy}`, api);
        expect(forms.inspect).toBe(line);
        expect(forms.inspectAll).toBe(line);
        expect(forms.string).toBe(line);
        expect(forms.log).toBe(`${line}\n`);
        expect(JSON.parse(forms.json)).toEqual({ baseUrl, authType: c.authType, pagination });
        expect((api as unknown as Displayable)[JUPYTER]()).toEqual({ "text/plain": line });
        printClientParts(out, `${c.name} ${strategy}`, api);
        // A copy keeps the config's auth and headers objects, which print redacted wherever they go.
        out.printed(`${c.name} ${strategy} config spread`, { ...api.config });
        // Printing hides the secret; reading still gives it.
        expect(c.readBack(api)).toBe(secret);
      }
      expectNothingLeaked(out, 35 * PAGINATIONS.length);
    },
  );

  it("shows its config with each secret as [REDACTED] and the rest as it is", () => {
    const out = new Outputs(secrets);
    const key = sentinel("config view key");
    const api = new Apikit({
      baseUrl: "http://127.0.0.1:9/api",
      auth: { type: "apikey", apiKey: key, header: "X-Service-Key" },
      headers: { "X-Api-Token": sentinel("config view header"), "X-Team": "data" },
      timeoutMs: 1234,
    });
    const shown = JSON.parse(out.printed("config", api.config).json) as Record<string, unknown>;
    expect(shown).toMatchObject({
      baseUrl: "http://127.0.0.1:9/api",
      auth: { type: "apikey", apiKey: "[REDACTED]", header: "X-Service-Key" },
      headers: { "X-Api-Token": "[REDACTED]", "X-Team": "data" },
      timeoutMs: 1234,
    });
    expect(inspect(api.config.auth)).toBe(
      "{ type: 'apikey', apiKey: '[REDACTED]', header: 'X-Service-Key' }",
    );
    // The keys are the config's own, and a copy made from it connects with the same secret.
    expect(Object.keys(api.config.auth)).toEqual(["type", "apiKey", "header"]);
    const copy = new Apikit({ ...api.config });
    expect(copy.auth.secrets()).toEqual([key]);
    // The limit, as the README says: structuredClone makes a plain object, which prints what it holds.
    expect(inspect(structuredClone(api.config.auth))).toContain(key);
    expectNothingLeaked(out, 5);
  });

  it("redacts credentials in its base URL", () => {
    const out = new Outputs(secrets);
    const password = sentinel("url password");
    const api = new Apikit({
      baseUrl: `http://user:${password}@127.0.0.1:9/api`,
      token: sentinel("url token"),
    });
    const forms = out.printed("userinfo", api);
    expect(forms.inspect).toBe("Apikit http://[REDACTED]@127.0.0.1:9/api (bearer, no pagination)");
    printClientParts(out, "userinfo", api);
    expectNothingLeaked(out, 35);
  });
});

// ── OAuth2: the access token fetched at run time ─────────────────────────────────────────────────

describe("an OAuth2 client after it fetched a token", () => {
  const oauth = new OAuth2Server();
  const issued: string[] = [];
  beforeAll(async () => {
    await oauth.issuer.keys.generate("RS256");
    await oauth.start(0, "127.0.0.1");
    oauth.service.on(Events.BeforeTokenSigning, (token) => {
      token.payload.jti = randomUUID();
    });
    oauth.service.on(Events.BeforeResponse, (response) => {
      const token = (response.body as { access_token?: string }).access_token;
      if (token) issued.push(token);
    });
  });
  afterAll(() => oauth.stop());

  it.each(["client_secret_post", "client_secret_basic"] as const)(
    "(%s) prints neither the access token nor the client secret",
    async (clientAuth) => {
      const api = await serve((req, res) => {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
        json(res, issued.includes(token) ? 200 : 401, { ok: issued.includes(token) });
      });
      const clientSecret = sentinel(`oauth2 ${clientAuth}`);
      const c = client(api.url, {
        auth: {
          type: "oauth2",
          clientId: "printer",
          clientSecret,
          tokenUrl: `${oauth.issuer.url}/token`,
          clientAuth,
        },
      });
      const before = issued.length;
      expect(await c.get("/one")).toEqual({ ok: true });
      expect(issued.length).toBe(before + 1);
      const accessToken = issued.at(-1)!;
      const out = new Outputs({ ...secrets, "access token": accessToken });

      printClientParts(out, clientAuth, c);
      expect(out.printed("client", c).string).toBe(`Apikit ${api.url} (oauth2, no pagination)`);
      const strategy = out.printed("strategy", c.auth);
      expect(JSON.parse(strategy.json)).toEqual({
        type: "oauth2",
        clientId: "printer",
        tokenUrl: `${oauth.issuer.url}/token`,
        token: "[REDACTED]",
        tokenRequests: 1,
      });
      expect(strategy.inspect).toMatch(/^OAuth2ClientCredentials \{/);
      // The strategy still holds both, for the transport's redactor.
      expect(c.auth.secrets()).toEqual([clientSecret, accessToken]);
      expectNothingLeaked(out, 40);
    },
  );
});

// ── auth strategies built directly ───────────────────────────────────────────────────────────────

describe("auth strategies", () => {
  it("print their class, type and where the credential goes, never the credential", () => {
    const out = new Outputs(secrets);
    const strategies = [
      [new BearerAuth(sentinel("strategy bearer")), { type: "bearer" }],
      [new ApiKeyAuth(sentinel("strategy key")), { type: "apikey", header: "x-api-key" }],
      [
        new ApiKeyAuth(sentinel("strategy qkey"), { queryParam: "key" }),
        { type: "apikey", queryParam: "key" },
      ],
      [new BasicAuth("someone", sentinel("strategy password")), { type: "basic", username: "someone" }],
      [
        new OAuth2ClientCredentials({
          clientId: "cid",
          clientSecret: sentinel("strategy client secret"),
          tokenUrl: "http://127.0.0.1:9/token",
          scopes: ["read"],
        }),
        {
          type: "oauth2",
          clientId: "cid",
          tokenUrl: "http://127.0.0.1:9/token",
          scopes: ["read"],
          token: "none yet",
          tokenRequests: 0,
        },
      ],
      [createAuthStrategy({ type: "bearer", token: sentinel("strategy created") }), { type: "bearer" }],
      [new NoAuth(), { type: "none" }],
    ] as const;
    for (const [strategy, shown] of strategies) {
      const forms = out.printed(strategy.constructor.name, strategy);
      expect(JSON.parse(forms.json)).toEqual(shown);
      expect(forms.string).toBe(`${strategy.constructor.name} ${inspect(shown, { breakLength: Infinity })}`);
    }
    expectNothingLeaked(out, 5 * strategies.length);
  });
});

// ── the config manager ────────────────────────────────────────────────────────────────────────────

/** A keyring in memory, as a caller may pass one (a vault client, a test double): it holds secrets. */
function memoryKeyring(): Keyring & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    describe: (account) => `memory keyring entry ${account}`,
    get: async (account) => entries.get(account),
    set: async (account, secret) => void entries.set(account, secret),
    delete: async (account) => entries.delete(account),
  };
}

describe("the config manager", () => {
  it("prints as its file, and the configs it returns print without their secrets yet connect with them", async () => {
    const out = new Outputs(secrets);
    const token = sentinel("manager token");
    const password = sentinel("manager file password");
    const keyring = memoryKeyring();
    const path = join(root, "config.toml");
    const manager = new ConfigManager({ path, keyring, logger: { warn: () => undefined } });
    const api = await serve((req, res) => json(res, 200, { authorization: req.headers.authorization ?? "" }));
    await manager.addConnector("kept", { baseUrl: api.url, auth: { type: "bearer", token } });
    await manager.addConnector(
      "filed",
      { baseUrl: api.url, auth: { type: "basic", username: "u", password } },
      { storeSecret: "file" },
    );
    expect([...keyring.entries.values()]).toEqual([token]);

    const forms = out.printed("manager", manager);
    expect(forms.string).toBe(`ConfigManager ${path}`);
    expect(forms.inspectAll).toBe(`ConfigManager ${path}`);
    expect(JSON.parse(forms.json)).toEqual({ path });
    for (const name of ["kept", "filed"]) {
      const config = await manager.getApiConfig(name);
      const shown = JSON.parse(out.printed(`getApiConfig ${name}`, config).json) as { auth: object };
      out.printed(`getApiConfig ${name} auth`, config.auth);
      expect(Object.values(shown.auth)).toContain("[REDACTED]");
      // Read, it has its secret: a client made from it sends the credential.
      const fromConfig = client(config.baseUrl, config as ApikitOptions);
      const sent = await fromConfig.get<{ authorization: string }>("/who");
      expect(sent.authorization).toBe(
        name === "kept" ? `Bearer ${token}` : `Basic ${Buffer.from(`u:${password}`).toString("base64")}`,
      );
      out.printed(`client from ${name}`, fromConfig);
    }
    expectNothingLeaked(out, 30);
  });
});

// ── webhooks ─────────────────────────────────────────────────────────────────────────────────────

describe("webhook validators and the receiver", () => {
  it("print their provider and settings, never the signing secret", async () => {
    const out = new Outputs(secrets);
    const validators = [
      [new StripeWebhookValidator(sentinel("stripe secret")), { provider: "stripe", toleranceSeconds: 300 }],
      [new GitHubWebhookValidator(sentinel("github secret")), { provider: "github" }],
      [
        new GenericHmacValidator({ secret: sentinel("hmac secret"), headerName: "X-Sig", prefix: "sha256=" }),
        { provider: "generic", headerName: "x-sig", prefix: "sha256=", algorithm: "sha256", encoding: "hex" },
      ],
    ] as const;
    for (const [validator, shown] of validators) {
      const forms = out.printed(validator.provider, validator);
      expect(JSON.parse(forms.json)).toEqual(shown);
      expect(forms.inspect.startsWith(validator.constructor.name)).toBe(true);
    }
    const receiver = new WebhookReceiver({ validator: validators[0][0] });
    expect(JSON.parse(out.printed("receiver idle", receiver).json)).toMatchObject({ provider: "stripe" });
    const url = await receiver.start();
    try {
      const forms = out.printed("receiver listening", receiver);
      expect(JSON.parse(forms.json)).toEqual({ provider: "stripe", url, eventCount: 0 });
      expect(forms.string).toContain(url);
    } finally {
      await receiver.stop();
    }
    expectNothingLeaked(out, 25);
  });
});

// ── errors ───────────────────────────────────────────────────────────────────────────────────────

describe("errors", () => {
  it("print no secret at any depth, with hidden properties, down their causes, and JSON keeps the message", async () => {
    const out = new Outputs(secrets);
    const token = sentinel("error token");
    const clientSecret = sentinel("error client secret");
    // A careless server: it quotes the request's credentials in its body and headers.
    const api = await serve((req, res) => {
      const echo = String(req.headers.authorization ?? "");
      const status = req.url.startsWith("/token") ? 401 : req.url.startsWith("/boom") ? 500 : 401;
      json(
        res,
        status,
        { error: "invalid_client", error_description: `got ${echo} ${req.body}` },
        { "x-echo": echo },
      );
    });
    const dead = await startServer(() => undefined);
    await dead.close();
    const bearer = client(api.url, { token, retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 1 } });
    const oauth = client(api.url, {
      auth: { type: "oauth2", clientId: "cid", clientSecret, tokenUrl: `${api.url}/token` },
    });
    const offline = client(dead.url, { token, retry: { maxRetries: 0 } });
    const errors = [
      await bearer.get("/private").catch((e: unknown) => e),
      await bearer.get("/boom").catch((e: unknown) => e),
      await oauth.get("/private").catch((e: unknown) => e),
      await offline.get("/x").catch((e: unknown) => e),
      (() => {
        try {
          return new Apikit({ baseUrl: "not a url", token });
        } catch (error) {
          return error;
        }
      })(),
    ];
    expect(errors.map((e) => (e as Error).constructor)).toEqual([
      AuthError,
      HttpError,
      AuthError,
      NetworkError,
      ConfigError,
    ]);
    for (const [i, error] of errors.entries()) {
      const forms = out.printed(`error ${i}`, error);
      out.error(`error ${i}`, error);
      const shown = JSON.parse(forms.json) as Record<string, unknown>;
      expect(shown.message).toBe((error as ApikitError).message);
      expect(shown.code).toBe((error as ApikitError).code);
    }
    // The server did get the credentials (so its echo held them).
    expect(api.requests.some((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
    expect(api.requests.some((r) => r.body.includes(encodeURIComponent(clientSecret)))).toBe(true);
    expect(consoleLog(errors[3])).toContain("ECONNREFUSED");
    expectNothingLeaked(out, 50);
  });
});
