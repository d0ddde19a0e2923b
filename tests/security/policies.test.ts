// Security policies, each in one focused place: credentials never follow a redirect to another
// origin; `verifySsl: false` warns once per process; the webhook receiver listens on 127.0.0.1 unless
// told otherwise and refuses deliveries replayed outside its tolerance; a netrc or a config file
// holding secrets that other users can read is refused. Real servers, real files, no mocks.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Stripe from "stripe";
import { fetch as undiciFetch, request as undiciRequest } from "undici";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { resolveCredential } from "../../src/config/credentials.js";
import { ConfigManager } from "../../src/config/manager.js";
import { ConfigError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { createDispatcher } from "../../src/http/index.js";
import { StripeWebhookValidator, WebhookReceiver } from "../../src/webhook/index.js";
import { BIN, runApikit } from "../support/cli.js";
import { json, type RecordedRequest, type TestServer, useLoopback } from "../support/server.js";
import { captureLogger, Outputs } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));
const root = mkdtempSync(join(tmpdir(), "apikit-policies-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => {
  const dir = join(root, String(++dirs));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
};

// ── redirects ────────────────────────────────────────────────────────────────────────────────────

const CREDENTIAL_HEADERS = ["authorization", "x-api-key", "x-service-key", "private-token", "cookie"];
const credentialsIn = (req: RecordedRequest) =>
  CREDENTIAL_HEADERS.filter((h) => req.headers[h] !== undefined).concat(
    req.query.has("appid") ? ["appid"] : [],
  );

interface Hop {
  origin: TestServer;
  other: TestServer;
  token: TestServer;
}

/** An API whose /hop redirects (with `status`) to another origin, and an OAuth2 token endpoint. */
async function redirectingWorld(status = 302): Promise<Hop> {
  const other = await serve((_req, res) => json(res, 200, { landed: true }));
  const token = await serve((_req, res) =>
    json(res, 200, { access_token: "oauth-access-1234", expires_in: 3600 }),
  );
  const origin = await serve((req, res) => {
    if (req.url.startsWith("/hop")) {
      res.writeHead(status, { location: `${other.origin}/landing?from=hop` });
      res.end();
    } else if (req.url.startsWith("/local")) {
      res.writeHead(status, { location: "/hop" });
      res.end();
    } else json(res, 200, { here: true });
  });
  return { origin, other, token };
}

const REDIRECT_AUTHS: Array<{ name: string; options: (w: Hop) => Partial<ApikitOptions>; sent: string }> = [
  { name: "bearer", options: () => ({ token: "bearer-secret-1234" }), sent: "authorization" },
  { name: "apikey (X-API-Key)", options: () => ({ apiKey: "key-secret-1234" }), sent: "x-api-key" },
  {
    name: "apikey (custom header)",
    options: () => ({ auth: { type: "apikey", apiKey: "key-secret-1234", header: "X-Service-Key" } }),
    sent: "x-service-key",
  },
  {
    name: "basic",
    options: () => ({ auth: { type: "basic", username: "me", password: "pw-secret-1234" } }),
    sent: "authorization",
  },
  {
    name: "oauth2",
    options: (w) => ({
      auth: {
        type: "oauth2",
        clientId: "id",
        clientSecret: "cs-secret-1234",
        tokenUrl: `${w.token.url}/token`,
      },
    }),
    sent: "authorization",
  },
  {
    name: "static PRIVATE-TOKEN header",
    options: () => ({ headers: { "PRIVATE-TOKEN": "header-secret-1234" } }),
    sent: "private-token",
  },
];

describe("cross-origin redirects drop credentials", () => {
  it.each(REDIRECT_AUTHS)("a $name credential does not follow a redirect to another origin", async (auth) => {
    const w = await redirectingWorld();
    const api = client(w.origin.url, auth.options(w));
    expect(await api.get("/hop")).toEqual({ landed: true });
    // Through a same-origin hop first, then out.
    expect(await api.get("/local")).toEqual({ landed: true });
    expect(w.origin.requests.map((r) => r.headers[auth.sent] !== undefined)).toEqual([true, true, true]);
    expect(w.other.requests).toHaveLength(2);
    for (const seen of w.other.requests) expect(credentialsIn(seen)).toEqual([]);
  });

  it.each([301, 303, 307, 308])("drops them on a %i redirect, for GET and POST alike", async (status) => {
    const w = await redirectingWorld(status);
    const api = client(w.origin.url, { token: "bearer-secret-1234" });
    await api.get("/hop");
    await api.post("/hop", { body: { a: 1 } });
    expect(w.origin.requests.every((r) => r.headers.authorization === "Bearer bearer-secret-1234")).toBe(
      true,
    );
    expect(w.other.requests).toHaveLength(2);
    for (const seen of w.other.requests) expect(credentialsIn(seen)).toEqual([]);
  });

  it("an API key in the query string is not carried to another origin", async () => {
    const w = await redirectingWorld();
    const api = client(w.origin.url, {
      auth: { type: "apikey", apiKey: "qkey-secret-1234", queryParam: "appid" },
    });
    expect(await api.get("/hop")).toEqual({ landed: true });
    expect(w.origin.requests[0]!.query.get("appid")).toBe("qkey-secret-1234");
    expect(w.other.requests[0]!.url).toBe("/landing?from=hop");
  });

  it("keeps them on a same-origin redirect", async () => {
    const origin = await serve((req, res) => {
      if (req.url === "/old") {
        res.writeHead(301, { location: "/new" });
        res.end();
      } else json(res, 200, { here: true });
    });
    const api = client(origin.url, {
      auth: { type: "apikey", apiKey: "key-secret-1234", header: "X-Service-Key" },
    });
    expect(await api.get("/old")).toEqual({ here: true });
    expect(origin.requests.map((r) => r.headers["x-service-key"])).toEqual([
      "key-secret-1234",
      "key-secret-1234",
    ]);
  });

  it("code that fetches through client.dispatcher gets the same protection", async () => {
    const w = await redirectingWorld();
    const api = client(w.origin.url, { token: "bearer-secret-1234" });
    const response = await undiciFetch(`${w.origin.url}/hop`, { dispatcher: api.dispatcher });
    expect(await response.json()).toEqual({ landed: true });
    expect(w.origin.requests[0]!.headers.authorization).toBe("Bearer bearer-secret-1234");
    expect(credentialsIn(w.other.requests[0]!)).toEqual([]);
  });
});

// ── verifySsl: false ─────────────────────────────────────────────────────────────────────────────

describe("verifySsl: false", () => {
  // Nothing earlier in this file turns verification off, so this process has not warned yet.
  it("logs one warning per process, however many clients and dispatchers turn verification off", async () => {
    const out = new Outputs({});
    const verified = [0, 1].map((i) => captureLogger(out, `verified ${i}`));
    for (const logger of verified) {
      client("https://api.example.com", { logger });
      await createDispatcher({ logger }).close();
    }
    expect(verified.flatMap((l) => l.lines)).toEqual([]);

    const insecure = [0, 1, 2].map((i) => captureLogger(out, `insecure ${i}`));
    for (const logger of insecure) client("https://api.example.com", { verifySsl: false, logger });
    const direct = captureLogger(out, "dispatcher");
    await createDispatcher({ verifySsl: false, logger: direct }).close();

    expect(insecure[0]!.lines).toEqual([
      "warn verifySsl is false: TLS certificates are not checked; anyone on the path can read and alter traffic",
    ]);
    expect([...insecure.slice(1), direct].flatMap((l) => l.lines)).toEqual([]);
  });
});

// ── the webhook receiver ─────────────────────────────────────────────────────────────────────────

const WEBHOOK_SECRET = "whsec_policy_0123456789";
const stripe = new Stripe("sk_test_x");
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});

async function startReceiver(options: { toleranceSeconds?: number; host?: string } = {}) {
  const validator = new StripeWebhookValidator(
    WEBHOOK_SECRET,
    options.toleranceSeconds ? { toleranceSeconds: options.toleranceSeconds } : {},
  );
  const receiver = new WebhookReceiver({ validator, ...(options.host ? { host: options.host } : {}) });
  receivers.push(receiver);
  return { receiver, url: await receiver.start() };
}

async function deliver(url: string, body: string, signature: string) {
  const res = await undiciRequest(url, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signature },
    body,
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
  });
  const reply = (await res.body.json()) as { reason?: string };
  return { status: res.statusCode, reason: reply.reason };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const signed = (body: string, timestamp: number) =>
  stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET, timestamp });

describe("the webhook receiver", () => {
  it("binds 127.0.0.1 by default, unreachable from other interfaces", async () => {
    const { receiver, url } = await startReceiver();
    expect(receiver.host).toBe("127.0.0.1");
    expect(receiver.address).toMatchObject({ address: "127.0.0.1", family: "IPv4" });
    expect(url).toBe(`http://127.0.0.1:${receiver.address!.port}/webhook`);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal);
    const elsewhere = url.replace("127.0.0.1", external?.address ?? "127.0.0.2");
    const body = JSON.stringify({ id: "evt_1", type: "x" });
    await expect(deliver(elsewhere, body, signed(body, nowSeconds()))).rejects.toThrow();
    expect(receiver.eventCount).toBe(0);
  });

  it("apikit webhook listen binds 127.0.0.1 when no --host is given", async () => {
    const child = spawn(
      process.execPath,
      [BIN, "webhook", "listen", "--provider", "stripe", "--secret-env", "HOOK_SECRET", "--port", "0"],
      { env: { PATH: process.env.PATH ?? "", HOOK_SECRET: WEBHOOK_SECRET } },
    );
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL on stderr: ${stderr}`)), 10_000);
        child.stderr.on("data", (d: Buffer) => {
          stderr += d;
          const match = /listening on (http:\/\/\S+)/.exec(stderr);
          if (!match) return;
          clearTimeout(timer);
          resolve(match[1]!);
        });
        void exited.then(() => reject(new Error(`exited early: ${stderr}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("rejects a captured delivery replayed once the tolerance has passed, and keeps only the original", async () => {
    // 2 s, not 1: a whole-second timestamp is up to a second old when signed, and a loaded machine
    // (the full suite on 2 cores) took the rest of a 1 s tolerance before the first delivery arrived.
    const { receiver, url } = await startReceiver({ toleranceSeconds: 2 });
    const body = JSON.stringify({ id: "evt_replayed", object: "event", type: "invoice.paid" });
    const signature = signed(body, nowSeconds());
    expect((await deliver(url, body, signature)).status).toBe(200);
    // The same bytes, sent again after the tolerance: the signature still matches, the timestamp does not.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    const replay = await deliver(url, body, signature);
    expect(replay.status).toBe(401);
    expect(replay.reason).toMatch(/outside the 2 s tolerance \(stale or replayed\)/);
    expect(receiver.events.map((e) => e.id)).toEqual(["evt_replayed"]);
  });

  it("rejects timestamps outside the default 300 s tolerance either way, and accepts one inside it", async () => {
    const { receiver, url } = await startReceiver();
    const body = JSON.stringify({ id: "evt_2", object: "event", type: "invoice.paid" });
    const stale = await deliver(url, body, signed(body, nowSeconds() - 301));
    const future = await deliver(url, body, signed(body, nowSeconds() + 301));
    const fresh = await deliver(url, body, signed(body, nowSeconds() - 290));
    expect([stale.status, future.status, fresh.status]).toEqual([401, 401, 200]);
    expect(stale.reason).toMatch(/outside the 300 s tolerance/);
    expect(receiver.eventCount).toBe(1);
  });
});

// ── files other users can read ───────────────────────────────────────────────────────────────────

const NETRC_PASSWORD = "netrc-pass-1234";

function netrcHome(mode: number): string {
  const home = freshDir();
  writeFileSync(join(home, ".netrc"), `machine api.example.com login me password ${NETRC_PASSWORD}\n`);
  chmodSync(join(home, ".netrc"), mode);
  return home;
}

const fromNetrc = (home: string, env: NodeJS.ProcessEnv = {}) =>
  resolveCredential({ field: "token", host: "api.example.com" }, { env, home, cwd: freshDir() });

describe("netrc files others can read are refused", () => {
  it.each([
    ["644", 0o644],
    ["640", 0o640],
    ["604", 0o604],
    ["660", 0o660],
  ])("refuses a .netrc with mode %s, saying chmod 600, without quoting it", async (_label, mode) => {
    const home = netrcHome(mode);
    const error = await fromNetrc(home).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`chmod 600 ${join(home, ".netrc")}`);
    expect((error as ConfigError).message).not.toContain(NETRC_PASSWORD);
  });

  it("reads a private .netrc (mode 600), and one named by $NETRC under the same rule", async () => {
    expect(await fromNetrc(netrcHome(0o600))).toMatchObject({ value: NETRC_PASSWORD });
    const elsewhere = netrcHome(0o644);
    await expect(fromNetrc(freshDir(), { NETRC: join(elsewhere, ".netrc") })).rejects.toThrow(/chmod 600/);
  });

  it("apikit refuses it too, before sending anything", async () => {
    const home = netrcHome(0o644);
    const run = await runApikit(["fetch", "https://api.example.com/items"], {
      env: { HOME: home },
      cwd: freshDir(),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("chmod 600");
    expect(run.stderr).not.toContain(NETRC_PASSWORD);
  });
});

describe("config files others can read are refused when they hold secrets", () => {
  const SECRET = "config-secret-1234";
  async function savedWithSecret(): Promise<string> {
    const path = join(freshDir(), "apikit", "config.toml");
    await new ConfigManager({ path, logger: { warn: () => undefined } }).addConnector(
      "api",
      { baseUrl: "https://api.example.com", auth: { type: "bearer", token: SECRET } },
      { storeSecret: "file" },
    );
    return path;
  }

  it("writes the file 0600 in a 0700 directory", async () => {
    const path = await savedWithSecret();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
  });

  it.each([
    ["644", 0o644],
    ["640", 0o640],
    ["604", 0o604],
  ])("refuses every read of it with mode %s, saying chmod 600", async (_label, mode) => {
    const path = await savedWithSecret();
    chmodSync(path, mode);
    const manager = new ConfigManager({ path });
    for (const attempt of [
      () => manager.listConnectors(),
      () => manager.getConnector("api"),
      () => manager.getApiConfig("api"),
      () => manager.getSecret("api", "token"),
    ]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain(`chmod 600 ${path}`);
      expect((error as ConfigError).message).not.toContain(SECRET);
    }
    chmodSync(path, 0o600);
    expect((await manager.getApiConfig("api")).auth).toEqual({ type: "bearer", token: SECRET });
  });

  it("apikit config list and fetch refuse it too", async () => {
    const path = await savedWithSecret();
    chmodSync(path, 0o644);
    for (const args of [
      ["config", "list"],
      ["fetch", "api:/items"],
    ]) {
      const run = await runApikit(args, { env: { APIKIT_CONFIG_PATH: path, HOME: freshDir() } });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("chmod 600");
      expect(run.stderr).not.toContain(SECRET);
    }
  });
});
