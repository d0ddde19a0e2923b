// The options of every public constructor (and of startDemoServer and startWorker) are checked: an
// unknown key is a ConfigError naming the class and the key with a "did you mean", never ignored; and
// iki-apikit's names are taken where apikit's differ (RateLimitState's minRemaining).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OAuth2ClientCredentials } from "../../src/auth/index.js";
import { Cluster, startWorker } from "../../src/cluster/index.js";
import { ApiConfig, ConfigManager } from "../../src/config/index.js";
import { DbtExporter } from "../../src/dbt/index.js";
import { startDemoServer } from "../../src/demo/index.js";
import { ConfigError } from "../../src/errors.js";
import { RateLimitState } from "../../src/http/index.js";
import {
  GenericHmacValidator,
  GitHubWebhookValidator,
  StripeWebhookValidator,
  WebhookReceiver,
} from "../../src/webhook/index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "apikit-options-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The ConfigError a call throws or rejects with; fails the test if it gives anything else. */
async function configErrorOf(call: () => unknown): Promise<ConfigError> {
  let error: unknown;
  try {
    await call();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

const github = () => new GitHubWebhookValidator("s3cret");
const oauth2 = { clientId: "id", clientSecret: "cs", tokenUrl: "https://auth.example.test/token" };

// [owner, a call with one mistyped option, the typo, what it should have been]
const TYPOS: Array<[string, () => unknown, string, string]> = [
  ["RateLimitState", () => new RateLimitState({ treshold: 5 } as never), "treshold", "threshold"],
  ["RateLimitState", () => new RateLimitState({ minRemainig: 5 } as never), "minRemainig", "minRemaining"],
  [
    "WebhookReceiver",
    () => new WebhookReceiver({ validator: github(), outputFil: "x.ndjson" } as never),
    "outputFil",
    "outputFile",
  ],
  [
    "GenericHmacValidator",
    () => new GenericHmacValidator({ secret: "s", headerName: "x-sig", prefx: "sha256=" } as never),
    "prefx",
    "prefix",
  ],
  [
    "StripeWebhookValidator",
    () => new StripeWebhookValidator("whsec_x", { toleranceSecond: 30 } as never),
    "toleranceSecond",
    "toleranceSeconds",
  ],
  ["DbtExporter", () => new DbtExporter({ outputDir: "dbt", dryrun: true } as never), "dryrun", "dryRun"],
  ["ConfigManager", () => new ConfigManager({ pth: "x.toml" } as never), "pth", "path"],
  [
    "OAuth2ClientCredentials",
    () => new OAuth2ClientCredentials({ ...oauth2, scope: ["read"] } as never),
    "scope",
    "scopes",
  ],
  ["Cluster", () => new Cluster({ rediss: "redis://127.0.0.1:1" } as never), "rediss", "redis"],
  ["startDemoServer", () => startDemoServer({ sise: 10 } as never), "sise", "size"],
  ["startWorker", () => startWorker({ concurency: 2 } as never), "concurency", "concurrency"],
];

describe("public constructors' options", () => {
  it.each(TYPOS)(
    "%s: an unknown option is a ConfigError with a did-you-mean",
    async (owner, call, key, want) => {
      const error = await configErrorOf(call);
      expect(error.message).toBe(
        `Invalid ${owner} options:\n  - ${key}: unknown option "${key}" (did you mean ${want}?)`,
      );
      expect(error.issues).toEqual([
        { path: key, message: `unknown option "${key}" (did you mean ${want}?)` },
      ]);
    },
  );

  it("names every wrong option at once, an unknown one without a close match too", async () => {
    const error = await configErrorOf(() => new RateLimitState({ maxWaitMs: -1, colour: "red" } as never));
    expect(error.issues.map((i) => i.path).sort()).toEqual(["colour", "maxWaitMs"]);
    expect(error.issues.find((i) => i.path === "colour")?.message).toBe('unknown option "colour"');
  });

  it("checks the values of options, not only their names", async () => {
    const cases: Array<[() => unknown, string]> = [
      [() => new RateLimitState({ now: 5 } as never), "now"],
      [() => new ConfigManager({ keyring: {} } as never), "keyring"],
      [() => new ConfigManager({ logger: { info() {} } } as never), "logger"],
      [() => new StripeWebhookValidator("whsec_x", { toleranceSeconds: 0 }), "toleranceSeconds"],
      [() => new OAuth2ClientCredentials({ ...oauth2, refreshMarginMs: -5 }), "refreshMarginMs"],
      [() => startDemoServer({ faults: { rateLimitAt: [0] } }), "faults.rateLimitAt[0]"],
      [() => startDemoServer({ defaultPageSize: 2.5 }), "defaultPageSize"],
      [() => startWorker({ maxStalledCount: -1 }), "maxStalledCount"],
    ];
    for (const [call, path] of cases)
      expect((await configErrorOf(call)).issues.map((i) => i.path)).toEqual([path]);
  });

  it("still takes what each documents, and an oauth2 AuthConfig as it is", () => {
    expect(new StripeWebhookValidator("whsec_x", { toleranceSeconds: 30 }).toleranceSeconds).toBe(30);
    expect(new StripeWebhookValidator("whsec_x").toleranceSeconds).toBe(300);
    expect(new ConfigManager({ path: join(dir, "c.toml"), logger: { warn() {} } }).path).toBe(
      join(dir, "c.toml"),
    );
    // As createAuthStrategy passes it: the parsed AuthConfig, its type included.
    const auth = ApiConfig.parse({
      baseUrl: "https://api.example.test",
      auth: { type: "oauth2", ...oauth2 },
    }).auth;
    expect(auth.type === "oauth2" && new OAuth2ClientCredentials(auth).type).toBe("oauth2");
    expect(() => new Cluster()).not.toThrow();
  });

  it("takes iki-apikit's names as apikit spells them: outputFile, maxEvents, outputDir, dryRun, headerName, prefix", () => {
    const receiver = new WebhookReceiver({
      validator: github(),
      outputFile: join(dir, "events.ndjson"),
      provider: "github",
      maxEvents: 1000,
    });
    expect([receiver.outputFile, receiver.maxEvents, receiver.provider]).toEqual([
      join(dir, "events.ndjson"),
      1000,
      "github",
    ]);
    const exporter = new DbtExporter({ outputDir: join(dir, "dbt_seeds"), dryRun: true });
    expect([exporter.outputDir, exporter.dryRun]).toEqual([join(dir, "dbt_seeds"), true]);
    const hmac = new GenericHmacValidator({
      secret: "my-secret",
      headerName: "X-Signature",
      prefix: "sha256=",
    });
    expect([hmac.headerName, hmac.prefix]).toEqual(["x-signature", "sha256="]);
  });
});

/** Headers of a window with `remaining` requests left, resetting 30 s after `nowMs`. */
const window = (remaining: number, nowMs: number) => ({
  "x-ratelimit-limit": "5000",
  "x-ratelimit-remaining": String(remaining),
  "x-ratelimit-reset": String(Math.floor(nowMs / 1000) + 30),
});

describe("RateLimitState with iki-apikit's names", () => {
  const nowMs = 1_800_000_000_000;
  const now = () => nowMs;

  it("reads minRemaining as threshold: throttles at or under it, for the window's reset", () => {
    for (const options of [{ minRemaining: 100 }, { threshold: 100 }]) {
      const rl = new RateLimitState({ ...options, now });
      rl.ingest(window(101, nowMs));
      expect(rl.shouldThrottle()).toBe(false);
      expect(rl.sleepDuration()).toBe(0);
      rl.ingest(window(100, nowMs));
      expect(rl.shouldThrottle()).toBe(true);
      expect(rl.sleepDuration()).toBe(30_000);
      expect(rl.headroom).toEqual({ limit: 5000, remaining: 100, resetAtMs: nowMs + 30_000 });
    }
  });

  it("refuses both spellings at once, even with the same value", async () => {
    const error = await configErrorOf(() => new RateLimitState({ minRemaining: 100, threshold: 100 }));
    expect(error.message).toBe(
      "Invalid RateLimitState options:\n  - minRemaining: minRemaining and threshold are the same option " +
        "(minRemaining is iki-apikit's name): keep one",
    );
  });

  it("names a wrong value under the name it was given", async () => {
    const error = await configErrorOf(() => new RateLimitState({ minRemaining: "lots" } as never));
    expect(error.issues.map((i) => i.path)).toEqual(["minRemaining"]);
  });

  it("takes an option left undefined as not given", () => {
    const rl = new RateLimitState({ minRemaining: undefined, threshold: 3, now });
    rl.ingest(window(3, nowMs));
    expect(rl.shouldThrottle()).toBe(true);
  });
});
