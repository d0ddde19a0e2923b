// Secrets never leave apikit. Distinctive sentinel secrets, one per auth type (an OAuth2 access token
// issued by a loopback token endpoint among them), go through every public path against real loopback
// servers: the page loop and each of its sinks, single requests, the dispatcher, GraphQL, inspect, dry
// runs, errors (including servers that echo the credentials back), redirects, checkpoints, the CLI,
// the config manager and the webhook receiver. Everything those paths log, report to hooks, throw,
// print, return or write is searched for every sentinel: none may appear.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Stripe from "stripe";
import { fetch as undiciFetch, request as undiciRequest } from "undici";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { OsKeyring } from "../../src/config/keyring.js";
import { ConfigManager } from "../../src/config/manager.js";
import { DbtExporter } from "../../src/dbt/index.js";
import {
  ApikitError,
  AuthError,
  ConfigError,
  GraphQLError,
  HttpError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
} from "../../src/errors.js";
import { Apikit, type ApikitOptions, DryRunResult } from "../../src/facade/index.js";
import {
  GenericHmacValidator,
  GitHubWebhookValidator,
  StripeWebhookValidator,
  WebhookReceiver,
  type WebhookValidator,
} from "../../src/webhook/index.js";
import { FORMATS } from "../../src/writers/index.js";
import { BIN, type Run, runApikit } from "../support/cli.js";
import {
  FAST_RETRY,
  json,
  type RecordedRequest,
  startServer,
  type TestServer,
  useLoopback,
} from "../support/server.js";
import { captureHooks, captureLogger, Outputs, serialize } from "./support.js";

const TOKEN = "SENTINEL-TOKEN-7f3a";
const HEADER_KEY = "SENTINEL-KEY-4b1d";
// Characters that URLs and forms encode, so the encoded forms servers echo back are searched for too.
const QUERY_KEY = "SENTINEL-QKEY-9c2e+/=";
const USERNAME = "sentinel-user";
const PASSWORD = "SENTINEL-PASS-d05c";
const CLIENT_ID = "sentinel-client";
const CLIENT_SECRET = "SENTINEL-CLIENT-SECRET-61aa+/=";
const ACCESS_TOKEN = "SENTINEL-ACCESS-TOKEN-3e8f";
const WEBHOOK_SECRET = "SENTINEL-WEBHOOK-SECRET-b7e0";
/** A token sent as one of the client's static headers (GitLab's PRIVATE-TOKEN), with no auth strategy. */
const HEADER_TOKEN = "SENTINEL-HEADER-TOKEN-5a9d";
const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const BASIC = base64(`${USERNAME}:${PASSWORD}`);
// RFC 6749 §2.3.1: client_secret_basic form-encodes each part before base64.
const CLIENT_BASIC = base64(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`);

/** Every secret and every encoded form of one that goes on the wire. */
const SECRETS = {
  TOKEN,
  HEADER_KEY,
  QUERY_KEY,
  "QUERY_KEY (url-encoded)": encodeURIComponent(QUERY_KEY),
  PASSWORD,
  CLIENT_SECRET,
  "CLIENT_SECRET (url-encoded)": encodeURIComponent(CLIENT_SECRET),
  ACCESS_TOKEN,
  WEBHOOK_SECRET,
  HEADER_TOKEN,
  "base64(username:password)": BASIC,
  "base64(clientId:clientSecret)": CLIENT_BASIC,
} as const;

const KEY_HEADER = "x-service-key";
const KEY_PARAM = "appid";
const PAGES = 3;
const PER_PAGE = 2;
const RETRY = { ...FAST_RETRY, maxRetries: 2 };

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));
const root = mkdtempSync(join(tmpdir(), "apikit-security-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => {
  const dir = join(root, String(++dirs));
  mkdirSync(dir, { recursive: true });
  return dir;
};

// ── the loopback world: an API, another origin, an OAuth2 token endpoint, a closed port ───────────

type AuthName =
  | "bearer"
  | "apikey header"
  | "apikey query"
  | "basic"
  | "oauth2 post"
  | "oauth2 basic"
  | "static header";

interface World {
  api: TestServer;
  other: TestServer;
  token: TestServer;
  deadUrl: string;
}

/** Which credential a request carried, if any. */
function credentialOf(req: RecordedRequest): AuthName | "oauth2" | undefined {
  const authorization = req.headers.authorization;
  if (authorization === `Bearer ${TOKEN}`) return "bearer";
  if (authorization === `Bearer ${ACCESS_TOKEN}`) return "oauth2";
  if (authorization === `Basic ${BASIC}`) return "basic";
  if (req.headers[KEY_HEADER] === HEADER_KEY) return "apikey header";
  if (req.query.get(KEY_PARAM) === QUERY_KEY) return "apikey query";
  if (req.headers["private-token"] === HEADER_TOKEN) return "static header";
  return undefined;
}

const sameCredential = (seen: ReturnType<typeof credentialOf>, name: AuthName) =>
  seen === (name.startsWith("oauth2") ? "oauth2" : name);

/** What a careless server sends back: the credentials it got, in the body and in headers. */
function echoOf(req: RecordedRequest) {
  return {
    body: {
      authorization: req.headers.authorization,
      key: req.headers[KEY_HEADER],
      privateToken: req.headers["private-token"],
      url: req.url,
    },
    headers: {
      "x-echo-authorization": String(req.headers.authorization ?? ""),
      "x-echo-key": String(req.headers[KEY_HEADER] ?? ""),
      "x-echo-private-token": String(req.headers["private-token"] ?? ""),
      "x-echo-url": req.url,
    },
  };
}

const records = (page: number) =>
  Array.from({ length: PER_PAGE }, (_, i) => {
    const id = (page - 1) * PER_PAGE + i + 1;
    return { id, name: `item ${id}`, owner: { login: "octo", plan: { seats: 3 } }, tags: ["a", "b"] };
  });

function graphqlAnswer(req: RecordedRequest, res: ServerResponse): void {
  const body = JSON.parse(req.body) as { query: string; variables?: { after?: string | null } };
  if (body.query.includes("secretive")) {
    // A GraphQL server that quotes the credentials in its error.
    const echo = echoOf(req).body;
    json(res, 200, {
      data: null,
      errors: [{ message: `not allowed for ${JSON.stringify(echo)}`, extensions: { echo } }],
    });
    return;
  }
  const after = Number(body.variables?.after ?? 0);
  if (body.query.includes("Flaky") && after >= 2) {
    json(res, 500, { error: "boom", echo: echoOf(req).body }, echoOf(req).headers);
    return;
  }
  const nodes = [after + 1, after + 2].map((id) => ({ id, title: `node ${id}` }));
  json(res, 200, {
    data: {
      viewer: {
        items: {
          edges: nodes.map((node) => ({ node })),
          pageInfo: { hasNextPage: after + 2 < 6, endCursor: String(after + 2) },
        },
      },
    },
  });
}

async function startWorld(): Promise<World> {
  const other = await serve((_req, res) => json(res, 200, { landed: true }));
  const token = await serve((req, res) => {
    const form = new URLSearchParams(req.body);
    const post = form.get("client_id") === CLIENT_ID && form.get("client_secret") === CLIENT_SECRET;
    const basic = req.headers.authorization === `Basic ${CLIENT_BASIC}`;
    if (req.url === "/token" && (post || basic)) {
      json(res, 200, { access_token: ACCESS_TOKEN, token_type: "Bearer", expires_in: 3600 });
      return;
    }
    // A token endpoint that refuses and quotes everything it was sent.
    json(
      res,
      401,
      {
        error: "invalid_client",
        error_description: `refused ${req.headers.authorization ?? ""} ${req.body}`,
      },
      { "x-echo-authorization": String(req.headers.authorization ?? ""), "x-echo-body": req.body },
    );
  });
  const api: TestServer = await serve(async (req, res) => {
    const url = new URL(req.url, api.origin);
    const echo = echoOf(req);
    const status = /^\/status\/(\d{3})$/.exec(url.pathname)?.[1];
    if (status) {
      const retryAfter: Record<string, string> =
        status === "429" ? { "retry-after": url.searchParams.get("wait") ?? "0" } : {};
      json(res, Number(status), { error: "refused", echo: echo.body }, { ...echo.headers, ...retryAfter });
      return;
    }
    if (!credentialOf(req)) {
      json(res, 401, { error: "no credentials" });
      return;
    }
    switch (url.pathname) {
      case "/items":
      case "/flaky": {
        const page = Number(url.searchParams.get("page") ?? "1");
        if (url.pathname === "/flaky" && page === 2) {
          json(res, 500, { error: "boom", echo: echo.body }, echo.headers);
          return;
        }
        // The next link repeats the whole query, a query-string API key included (as many APIs do).
        const next = new URL(url);
        next.searchParams.set("page", String(page + 1));
        json(res, 200, records(page), page < PAGES ? { link: `<${next.href}>; rel="next"` } : {});
        return;
      }
      case "/one":
        json(res, 200, { id: 1, ok: true, method: req.method });
        return;
      case "/graphql":
        graphqlAnswer(req, res);
        return;
      case "/redirect":
        res.writeHead(302, { location: `${other.origin}/landing` });
        res.end();
        return;
      case "/slow":
        // Longer than any client here waits (undici's timers fire up to a second late).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 5_000);
          res.on("close", () => {
            clearTimeout(timer);
            resolve();
          });
        });
        if (!res.destroyed) json(res, 200, []);
        return;
      default:
        json(res, 404, { error: "no such route", echo: echo.body }, echo.headers);
    }
  });
  const dead = await startServer(() => undefined);
  await dead.close();
  return { api, other, token, deadUrl: dead.url };
}

interface AuthCase {
  name: AuthName;
  options(world: World): Partial<ApikitOptions>;
}

const AUTH_CASES: AuthCase[] = [
  { name: "bearer", options: () => ({ auth: { type: "bearer", token: TOKEN } }) },
  {
    name: "apikey header",
    options: () => ({ auth: { type: "apikey", apiKey: HEADER_KEY, header: "X-Service-Key" } }),
  },
  {
    name: "apikey query",
    options: () => ({ auth: { type: "apikey", apiKey: QUERY_KEY, queryParam: KEY_PARAM } }),
  },
  { name: "basic", options: () => ({ auth: { type: "basic", username: USERNAME, password: PASSWORD } }) },
  {
    name: "oauth2 post",
    options: (w) => ({
      auth: {
        type: "oauth2",
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tokenUrl: `${w.token.url}/token`,
      },
    }),
  },
  {
    name: "oauth2 basic",
    options: (w) => ({
      auth: {
        type: "oauth2",
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tokenUrl: `${w.token.url}/token`,
        clientAuth: "client_secret_basic",
      },
    }),
  },
  { name: "static header", options: () => ({ headers: { "PRIVATE-TOKEN": HEADER_TOKEN } }) },
];

/** A client of the world's API with the case's credentials, logging at debug level into `out`. */
function apiClient(w: World, auth: AuthCase, out: Outputs, extra: Partial<ApikitOptions> = {}): Apikit {
  return client(w.api.url, {
    ...auth.options(w),
    pagination: { strategy: "link" },
    retry: RETRY,
    logger: captureLogger(out, auth.name),
    hooks: captureHooks(out, auth.name),
    ...extra,
  });
}

/** Requests to the API that carried this case's real credential. */
const authorized = (w: World, name: AuthName) =>
  w.api.requests.filter((r) => sameCredential(credentialOf(r), name)).length;

function expectNoLeaks(out: Outputs, atLeast: number): void {
  expect(out.count()).toBeGreaterThanOrEqual(atLeast);
  expect(out.leaks()).toEqual([]);
}

/** Every file under `dir`, read back as raw bytes. */
function collectFiles(out: Outputs, dir: string, label: string): string[] {
  const names = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((n) =>
    statSync(join(dir, n)).isFile(),
  );
  for (const name of names) out.bytes(`${label} file ${name}`, readFileSync(join(dir, name)));
  return names;
}

/** Runs `work` while keeping a copy of everything written to stderr (the writes still go through). */
async function withStderr<T>(work: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const original = process.stderr.write;
  let stderr = "";
  process.stderr.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    stderr += typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stderr.write;
  try {
    return { value: await work(), stderr };
  } finally {
    process.stderr.write = original;
  }
}

const RELAY =
  "query Items($first: Int, $after: String) { viewer { items(first: $first, after: $after) { edges { node { id title } } pageInfo { hasNextPage endCursor } } } }";

// ── the library ──────────────────────────────────────────────────────────────────────────────────

describe("the leak search itself", () => {
  it("finds a sentinel planted in text, in bytes, in a returned value and anywhere down an error's causes", () => {
    const out = new Outputs(SECRETS);
    out.text("log", `Authorization: Bearer ${TOKEN}`);
    out.bytes("file", Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(QUERY_KEY), Buffer.from([3])]));
    out.value("result", { nested: { deeper: [PASSWORD] } });
    out.error("error", new ApikitError("outer", { cause: new Error(`inner ${CLIENT_SECRET}`) }));
    const leaks = out.leaks();
    expect(leaks).toContain("log: TOKEN");
    expect(leaks).toContain("file: QUERY_KEY");
    expect(leaks).toContain("result (JSON): PASSWORD");
    expect(leaks).toContain("error (cause 1) message: CLIENT_SECRET");
    expect(leaks).toContain("error inspect: CLIENT_SECRET");
  });
});

describe.each(AUTH_CASES)("with $name auth", (auth) => {
  it("fetchRecords, stream, pages, fetchMany, request/get/post, the dispatcher and GraphQL leak nothing", async () => {
    const w = await startWorld();
    const out = new Outputs(SECRETS);
    const api = apiClient(w, auth, out);

    const all = await api.fetchRecords("/items");
    expect(all.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6]);
    let streamed = 0;
    for await (const record of api.stream("/items")) {
      out.value("stream record", record);
      streamed += 1;
    }
    expect(streamed).toBe(PAGES * PER_PAGE);
    const pages = [];
    for await (const page of api.pages("/items")) {
      pages.push(page.index);
      out.text("page url", page.url);
    }
    expect(pages).toEqual([0, 1, 2]);
    const many = await api.fetchMany({ all: "/items", first: ["/items", { maxPages: 1 }] });
    expect([many.all?.length, many.first?.length]).toEqual([6, 2]);
    // A client-side rate limit holds requests, and says so. 4/s: a page never takes the 250 ms a
    // token needs, however busy the machine (at 100/s, slow pages found the bucket full and never waited).
    const paced = apiClient(w, auth, out, { rateLimit: { requestsPerSecond: 4, burst: 1 } });
    expect(await paced.fetchRecords("/items")).toHaveLength(6);
    expect(out.count(`${auth.name} hook onRateLimit`)).toBeGreaterThan(0);

    const response = await api.request("GET", "/one", { params: { q: "x" } });
    out.value("request() response", response);
    expect(await api.get("/one")).toMatchObject({ ok: true, method: "GET" });
    expect(await api.post("/one", { body: { hello: "world" } })).toMatchObject({ method: "POST" });
    expect(await api.put("/one", { body: { a: 1 } })).toMatchObject({ method: "PUT" });
    expect(await api.patch("/one", { body: { a: 1 } })).toMatchObject({ method: "PATCH" });
    expect(await api.delete("/one")).toMatchObject({ method: "DELETE" });
    const viaDispatcher = await undiciFetch(`${w.api.url}/one`, {
      dispatcher: api.dispatcher,
      // The dispatcher adds the auth strategy's credentials; static headers are the caller's to send.
      headers: auth.options(w).headers ?? {},
    });
    expect(viaDispatcher.status).toBe(200);
    out.text("dispatcher body", await viaDispatcher.text());

    const single = await api.graphql<{ viewer: unknown }>("/graphql", RELAY, { variables: { first: 2 } });
    expect(single.viewer).toBeDefined();
    const nodes = await api.graphql<unknown[]>("/graphql", RELAY, {
      paginate: true,
      connectionPath: "viewer.items",
      pageSize: 2,
    });
    expect(nodes).toHaveLength(6);
    let streamedNodes = 0;
    for await (const _node of api.graphqlStream("/graphql", RELAY, {
      paginate: true,
      connectionPath: "viewer.items",
    }))
      streamedNodes += 1;
    expect(streamedNodes).toBe(6);

    // Every request carried the real credential, and the debug log saw each of them.
    expect(authorized(w, auth.name)).toBe(w.api.requests.length);
    expect(w.api.requests.length).toBeGreaterThanOrEqual(20);
    expect(out.count(`${auth.name} log`)).toBeGreaterThanOrEqual(2 * w.api.requests.length);
    expect(out.count(`${auth.name} hook onPage`)).toBeGreaterThanOrEqual(12);
    expectNoLeaks(out, 100);
  });

  it("files written in every format, a kept partial file and checkpoint files hold no secret", async () => {
    const w = await startWorld();
    const out = new Outputs(SECRETS);
    const api = apiClient(w, auth, out);
    const dir = freshDir();
    for (const format of FORMATS) {
      const result = await api.fetchToFile("/items", { filePath: join(dir, `items.${format}`), format });
      expect(result).toMatchObject({ format, records: 6, pages: 3 });
      out.value(`fetchToFile ${format} result`, result);
    }
    const failed = await api
      .fetchToFile("/flaky", { filePath: join(dir, "flaky.csv"), keepPartial: true })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(HttpError);
    expect((failed as HttpError).progress).toMatchObject({ records: 2, pages: 1 });
    out.error("fetchToFile keepPartial error", failed);

    // A checkpointed pull that dies after a page leaves its checkpoint (the next request) and journal.
    const checkpoint = join(dir, "pull.checkpoint.json");
    const stopped = await api
      .fetchToFile("/flaky", { filePath: join(dir, "resumable.csv"), checkpoint })
      .catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(HttpError);
    out.error("fetchToFile checkpoint error", stopped);
    expect(existsSync(checkpoint)).toBe(true);
    expect(readFileSync(checkpoint, "utf8")).toContain("page=2");
    const finished = await api.fetchToFile("/items", {
      filePath: join(dir, "resumed.json"),
      checkpoint: join(dir, "other.checkpoint.json"),
    });
    expect(finished.records).toBe(6);
    // The same for a Relay connection.
    const relay = { connectionPath: "viewer.items", pageSize: 2 };
    const nodes = await api.graphqlToFile("/graphql", RELAY, {
      ...relay,
      filePath: join(dir, "nodes.parquet"),
    });
    expect(nodes).toMatchObject({ records: 6, pages: 3 });
    const relayCheckpoint = join(dir, "relay.checkpoint.json");
    const relayStopped = await api
      .graphqlToFile("/graphql", RELAY.replace("Items", "Flaky"), {
        ...relay,
        filePath: join(dir, "relay.ndjson"),
        checkpoint: relayCheckpoint,
      })
      .catch((e: unknown) => e);
    expect(relayStopped).toBeInstanceOf(HttpError);
    out.error("graphqlToFile checkpoint error", relayStopped);
    expect(readFileSync(relayCheckpoint, "utf8")).toContain('"after": "2"');
    // An incremental pull keeps its high-water mark in a state file.
    const stateFile = join(dir, "since.json");
    const incremental = { cursorField: "id", param: "since", stateFile };
    expect(
      (await api.fetchToFile("/items", { filePath: join(dir, "inc.ndjson"), incremental })).records,
    ).toBe(6);
    expect(JSON.parse(readFileSync(stateFile, "utf8"))).toMatchObject({ cursorField: "id", value: 6 });
    const dbt = await new DbtExporter({ outputDir: join(dir, "dbt") }).exportFromClient(api, "/items", {
      name: "items",
    });
    expect(dbt.records).toBe(6);
    out.value("dbt export result", dbt);

    const files = collectFiles(out, dir, auth.name);
    for (const format of FORMATS) expect(files).toContain(`items.${format}`);
    expect(files).toContain("flaky.csv.partial");
    expect(files).toEqual(
      expect.arrayContaining(["pull.checkpoint.json", "relay.checkpoint.json", "since.json"]),
    );
    expect(files).toContain(join("dbt", "seeds", "items.csv"));
    expect(authorized(w, auth.name)).toBe(w.api.requests.length);
    expectNoLeaks(out, 40);
  });

  it("DataFrames and Arrow tables hold no secret", async () => {
    const w = await startWorld();
    const out = new Outputs(SECRETS);
    const api = apiClient(w, auth, out);
    const frame = await api.fetchPolars("/items");
    expect(frame.height).toBe(6);
    out.text("polars", frame.toString());
    out.value("polars records", frame.toRecords());
    const table = await api.fetchArrow("/items");
    expect(table.numRows).toBe(6);
    out.text("arrow", table.toString());
    out.value("arrow rows", table.toArray());
    expect(authorized(w, auth.name)).toBe(w.api.requests.length);
    expectNoLeaks(out, 10);
  });

  it("inspect output (toString, toJSON, suggestedConfig, suggestedToml) holds no secret", async () => {
    const w = await startWorld();
    const out = new Outputs(SECRETS);
    const api = apiClient(w, auth, out);
    const result = await api.inspect("/items", { params: { sort: "id" } });
    expect(result.status).toBe(200);
    expect(result.detectedPagination.strategy).toBe("link");
    expect(result.authType).toBe(auth.name === "static header" ? "none" : auth.name.split(" ")[0]);
    out.text("inspect toString", result.toString());
    out.text("inspect toJSON", JSON.stringify(result.toJSON()));
    out.text("inspect suggestedConfig", result.suggestedConfig());
    out.text("inspect suggestedToml", result.suggestedToml());
    out.value("inspect result", result);
    // The response headers shown are the ones the server sent, its Link (and any key in it) redacted.
    expect(result.headers.link).toBeDefined();
    expect(authorized(w, auth.name)).toBe(1);
    expectNoLeaks(out, 8);
  });

  it("dry runs of every method print and return no secret, and send nothing", async () => {
    const w = await startWorld();
    const out = new Outputs(SECRETS);
    const api = apiClient(w, auth, out);
    const dir = freshDir();
    const { value: results, stderr } = await withStderr(async () => {
      const drained = async (iterable: AsyncIterable<unknown>) => {
        for await (const _ of iterable) throw new Error("a dry run yielded something");
      };
      await drained(api.pages("/items", { dryRun: true }));
      await drained(api.stream("/items", { dryRun: true }));
      await drained(
        api.graphqlPages("/graphql", RELAY, { dryRun: true, paginate: true, connectionPath: "viewer.items" }),
      );
      return [
        await api.fetchRecords("/items", { dryRun: true, params: { q: "x" } }),
        await api.fetchToFile("/items", { dryRun: true, filePath: join(dir, "never.parquet") }),
        await api.fetchPolars("/items", { dryRun: true }),
        await api.fetchArrow("/items", { dryRun: true }),
        await api.request("POST", "/one", { dryRun: true, body: { hello: "world" } }),
        (await api.get("/one", { dryRun: true })) as DryRunResult,
        (await api.post("/one", { dryRun: true, body: { a: 1 } })) as DryRunResult,
        await api.graphql<DryRunResult>("/graphql", RELAY, { dryRun: true }),
        await api.graphql<DryRunResult>("/graphql", RELAY, {
          dryRun: true,
          paginate: true,
          connectionPath: "viewer.items",
        }),
        await api.inspect("/items", { dryRun: true }),
        (await api.graphqlToFile("/graphql", RELAY, {
          dryRun: true,
          connectionPath: "viewer.items",
          filePath: join(dir, "never.csv"),
        })) as DryRunResult,
      ];
    });
    for (const [i, result] of results.entries()) {
      expect(result).toBeInstanceOf(DryRunResult);
      out.text(`dry run ${i} toString`, result.toString());
      out.value(`dry run ${i}`, result.toJSON());
    }
    out.text("dry runs on stderr", stderr);
    expect(stderr.match(/\[dry run\]/g)).toHaveLength(results.length + 3);
    // The request shown carries the credential, redacted.
    const first = results[0]!;
    const shown =
      first.headers.authorization ??
      first.headers[KEY_HEADER] ??
      first.headers["private-token"] ??
      String(first.params[KEY_PARAM]);
    expect(shown).toContain("[REDACTED]");
    expect(w.api.requests).toHaveLength(0);
    expect(w.token.requests).toHaveLength(0);
    expect(existsSync(join(dir, "never.parquet"))).toBe(false);
    expectNoLeaks(out, 30);
  });

  it("errors (401, 403, 404, 429, echoing 500, GraphQL, network, timeout, a failed pull) carry no secret", async () => {
    const w = await startWorld();
    const out = new Outputs(SECRETS);
    const api = apiClient(w, auth, out);
    const dead = client(w.deadUrl, { ...auth.options(w), retry: RETRY, logger: captureLogger(out, "dead") });
    const slow = apiClient(w, auth, out, { timeout: 150, retry: { ...FAST_RETRY, maxRetries: 1 } });
    // Told to wait an hour, it fails at once, and refuses the next request without sending it.
    const limited = apiClient(w, auth, out, { retry: { ...RETRY, maxRetryAfterMs: 60_000 } });
    const failures: Array<[string, () => Promise<unknown>, new (...args: never[]) => Error]> = [
      ["401", () => api.get("/status/401"), AuthError],
      ["403", () => api.get("/status/403"), AuthError],
      ["404", () => api.get("/status/404"), NotFoundError],
      ["unknown route", () => api.get("/nowhere"), NotFoundError],
      ["429", () => api.get("/status/429"), RateLimitError],
      ["500", () => api.get("/status/500"), HttpError],
      ["500 in a listing", () => api.fetchRecords("/status/500"), HttpError],
      ["500 on a POST", () => api.post("/status/500", { body: { a: 1 } }), HttpError],
      ["500 on page 2", () => api.fetchRecords("/flaky"), HttpError],
      ["GraphQL errors", () => api.graphql("/graphql", "query secretive { x }"), GraphQLError],
      [
        "GraphQL errors while paging",
        () =>
          api.graphql("/graphql", "query secretive { x }", {
            paginate: true,
            connectionPath: "viewer.items",
          }),
        GraphQLError,
      ],
      ["network", () => dead.get("/one"), NetworkError],
      ["timeout", () => slow.get("/slow"), TimeoutError],
      [
        "429 with a long Retry-After",
        () => limited.get("/status/429", { params: { wait: "3600" } }),
        RateLimitError,
      ],
      ["refused before sending", () => limited.get("/one"), RateLimitError],
    ];
    for (const [label, attempt, type] of failures) {
      const error = await attempt().then(
        () => new Error(`${label}: no error`),
        (e: unknown) => e,
      );
      expect(error, label).toBeInstanceOf(type);
      out.error(`error ${label}`, error);
    }
    // The servers really were sent the credential (so the echoes held it) and retried 429 and 500.
    const echoed = w.api.requests.filter((r) => r.url.startsWith("/status/"));
    // 401, 403, 404 and a POST once each; 429, 500 and the listing's 500 three times each.
    expect(echoed.length).toBeGreaterThanOrEqual(4 + 3 * 3);
    expect(echoed.every((r) => sameCredential(credentialOf(r), auth.name))).toBe(true);
    const fiveHundred = (await api.get("/status/500").catch((e: unknown) => e)) as HttpError;
    expect(fiveHundred.bodyExcerpt).toContain("[REDACTED]");
    out.error("error 500 again", fiveHundred);
    expect(out.count(`${auth.name} hook onError`)).toBeGreaterThan(0);
    expect(out.count(`${auth.name} hook onRetry`)).toBeGreaterThan(0);
    expectNoLeaks(out, 300);
  });

  it("a cross-origin redirect reaches the other server without the credential", async () => {
    const w = await startWorld();
    const out = new Outputs(SECRETS);
    const api = apiClient(w, auth, out);
    expect(await api.get("/redirect")).toEqual({ landed: true });
    expect(await api.fetchRecords("/redirect", { paginate: false })).toEqual([{ landed: true }]);
    expect(sameCredential(credentialOf(w.api.requests[0]!), auth.name)).toBe(true);
    expect(w.other.requests).toHaveLength(2);
    for (const seen of w.other.requests) {
      expect(seen.headers.authorization).toBeUndefined();
      expect(seen.headers[KEY_HEADER]).toBeUndefined();
      expect(credentialOf(seen)).toBeUndefined();
      out.text("what the other origin saw", serialize(seen));
    }
    expectNoLeaks(out, 4);
  });
});

describe("OAuth2 token failures", () => {
  it.each(["client_secret_post", "client_secret_basic"] as const)(
    "a token endpoint that refuses %s and echoes the credentials back leaks nothing",
    async (clientAuth) => {
      const w = await startWorld();
      const out = new Outputs(SECRETS);
      const api = client(w.api.url, {
        auth: {
          type: "oauth2",
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          tokenUrl: `${w.token.url}/refuse`,
          clientAuth,
        },
        retry: RETRY,
        logger: captureLogger(out, "oauth"),
        hooks: captureHooks(out, "oauth"),
      });
      for (const attempt of [
        () => api.get("/one"),
        () => api.fetchRecords("/items"),
        () => api.inspect("/items"),
      ]) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AuthError);
        expect((error as AuthError).oauthError).toBe("invalid_client");
        out.error(`token ${clientAuth}`, error);
      }
      // The endpoint did get the secret, so its echo held it.
      const sent = w.token.requests[0]!;
      const form = new URLSearchParams(sent.body);
      expect(
        form.get("client_secret") === CLIENT_SECRET || sent.headers.authorization === `Basic ${CLIENT_BASIC}`,
      ).toBe(true);
      expect(w.api.requests).toHaveLength(0);
      expectNoLeaks(out, 30);
    },
  );
});

// ── the command line ─────────────────────────────────────────────────────────────────────────────

/** A private HOME, working directory and config file, so nothing of the machine's is read. */
function cliPlace() {
  const home = freshDir();
  const cwd = freshDir();
  const config = join(freshDir(), "config.toml");
  // The session bus, when there is one, so a child CLI reaches the same OS keyring as this process.
  const bus = Object.fromEntries(
    ["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"].flatMap((k) =>
      process.env[k] ? [[k, process.env[k]!]] : [],
    ),
  );
  const env = { HOME: home, APIKIT_CONFIG_PATH: config, ...bus };
  return { home, cwd, config, env };
}

function keep(out: Outputs, label: string, run: Run): Run {
  out.text(`cli ${label} stdout`, run.stdout);
  out.text(`cli ${label} stderr`, run.stderr);
  return run;
}

describe("the CLI, secrets given only through the environment", () => {
  it("fetch, inspect and --dry-run with --verbose print no secret, for every URL auth", async () => {
    const w = await startWorld();
    const out = new Outputs(SECRETS);
    const place = cliPlace();
    const dir = freshDir();
    const env = {
      ...place.env,
      API_TOKEN: TOKEN,
      SVC_KEY: HEADER_KEY,
      APP_ID: QUERY_KEY,
      API_PASSWORD: PASSWORD,
    };
    const auths: Record<string, string[]> = {
      "bearer (APIKIT_TOKEN)": [],
      bearer: ["--token-env", "API_TOKEN"],
      "apikey header": ["--auth", "apikey", "--api-key-header", "X-Service-Key", "--token-env", "SVC_KEY"],
      "apikey query": ["--auth", "apikey", "--api-key-param", KEY_PARAM, "--token-env", "APP_ID"],
      basic: ["--auth", "basic", "--username", USERNAME, "--token-env", "API_PASSWORD"],
    };
    const runs = Object.entries(auths).flatMap(([label, flags], i) => {
      const runEnv = label === "bearer (APIKIT_TOKEN)" ? { ...env, APIKIT_TOKEN: TOKEN } : env;
      const items = `${w.api.url}/items`;
      const commands: Array<[string, string[], number]> = [
        ["fetch", ["fetch", items, "--strategy", "link", ...flags], 0],
        ["fetch -o", ["fetch", items, "-o", join(dir, `${i}.csv`), "--json", ...flags], 0],
        ["fetch --dry-run", ["fetch", items, "--dry-run", "--param", "q=x", ...flags], 0],
        ["inspect", ["inspect", items, ...flags], 0],
        ["inspect --json", ["inspect", items, "--json", ...flags], 0],
        ["inspect --dry-run", ["inspect", items, "--dry-run", ...flags], 0],
        ["401", ["fetch", `${w.api.url}/status/401`, ...flags], 1],
        ["403", ["inspect", `${w.api.url}/status/403`, ...flags], 1],
        ["404", ["fetch", `${w.api.url}/nowhere`, ...flags], 1],
      ];
      return commands.map(async ([what, args, code]) => {
        const run = keep(
          out,
          `${label} ${what}`,
          await runApikit(["--verbose", ...args], { env: runEnv, cwd: place.cwd }),
        );
        expect(run.code, `${label} ${what}: ${run.stderr}`).toBe(code);
        return run;
      });
    });
    const done = await Promise.all(runs);
    expect(done.some((r) => r.stderr.includes("[apikit] DEBUG"))).toBe(true);
    expect(done.some((r) => /\n\s+at /.test(r.stderr))).toBe(true); // --verbose printed stacks
    collectFiles(out, dir, "cli");
    // Every request to the API carried one of the credentials (so there was something to leak).
    expect(w.api.requests.length).toBeGreaterThanOrEqual(5 * 8);
    expect(w.api.requests.every((r) => credentialOf(r) !== undefined)).toBe(true);
    expectNoLeaks(out, 90);
  }, 120_000);

  it("a saved oauth2 connector and failing saved connectors: config add/show/list, fetch, inspect and errors", async () => {
    const w = await startWorld();
    const out = new Outputs(SECRETS);
    const place = cliPlace();
    const dir = freshDir();
    const env = { ...place.env, CS: CLIENT_SECRET, API_TOKEN: TOKEN, APP_ID: QUERY_KEY };
    const run = async (label: string, args: string[], code: number) => {
      const result = keep(out, label, await runApikit(args, { env, cwd: place.cwd }));
      expect(result.code, `${label}: ${result.stderr}`).toBe(code);
      return result;
    };
    const file = ["--store-secret", "file", "--max-retries", "0"];
    await run(
      "add oauth",
      [
        "config",
        "add",
        "svc",
        "--base-url",
        w.api.url,
        "--auth",
        "oauth2",
        "--client-id",
        CLIENT_ID,
        "--token-url",
        `${w.token.url}/token`,
        "--strategy",
        "link",
        "--secret-env",
        "CS",
        ...file,
      ],
      0,
    );
    await run(
      "add dead",
      [
        "config",
        "add",
        "gone",
        "--base-url",
        w.deadUrl,
        "--auth",
        "bearer",
        "--secret-env",
        "API_TOKEN",
        ...file,
      ],
      0,
    );
    await run(
      "add slow",
      [
        "config",
        "add",
        "slow",
        "--base-url",
        w.api.url,
        "--auth",
        "apikey",
        "--api-key-param",
        KEY_PARAM,
        "--timeout",
        "150",
        "--secret-env",
        "APP_ID",
        ...file,
      ],
      0,
    );
    const results = await Promise.all([
      run("show", ["config", "show", "svc"], 0),
      run("list", ["config", "list"], 0),
      run("list --json", ["config", "list", "--json"], 0),
      run("connectors", ["connectors", "--json"], 0),
      run("fetch saved", ["--verbose", "fetch", "svc:/items"], 0),
      run("inspect saved", ["--verbose", "inspect", "svc:/items"], 0),
      run("dry run saved", ["--verbose", "fetch", "svc:/items", "--dry-run"], 0),
      run("500 saved", ["--verbose", "fetch", "svc:/status/500"], 1),
      run("429 saved", ["--verbose", "fetch", "svc:/status/429"], 1),
      run("network saved", ["--verbose", "fetch", "gone:/one"], 1),
      run("timeout saved", ["--verbose", "fetch", "slow:/slow"], 1),
      // A checkpointed pull that fails on page 2 (its next link repeats the query-string key).
      run(
        "checkpoint saved",
        [
          "--verbose",
          "fetch",
          "slow:/flaky",
          "-o",
          join(dir, "cp.csv"),
          "--checkpoint",
          join(dir, "cp.json"),
        ],
        1,
      ),
      run(
        "incremental saved",
        [
          "--verbose",
          "fetch",
          "svc:/items",
          "--since-field",
          "id",
          "--state",
          join(dir, "since.json"),
          "-o",
          join(dir, "inc.ndjson"),
        ],
        0,
      ),
    ]);
    expect(results[4]!.stdout.trim().split("\n")).toHaveLength(6);
    expect(results[9]!.stderr).toContain("NetworkError");
    expect(results[10]!.stderr).toContain("TimeoutError");
    expect(collectFiles(out, dir, "cli")).toEqual(
      expect.arrayContaining(["cp.json", "since.json", "inc.ndjson"]),
    );
    expect(readFileSync(join(dir, "cp.json"), "utf8")).toContain("page=2");
    expect(w.token.requests.length).toBeGreaterThan(0);
    expect(w.api.requests.every((r) => credentialOf(r) !== undefined)).toBe(true);
    expectNoLeaks(out, 25);
  }, 60_000);

  it("a config file that will not parse does not quote the secret it holds", async () => {
    const out = new Outputs(SECRETS);
    const place = cliPlace();
    mkdirSync(join(place.config, ".."), { recursive: true, mode: 0o700 });
    writeFileSync(
      place.config,
      [
        "[connectors.svc]",
        'baseUrl = "https://api.example.com"',
        'secretStore = "file"',
        'secretFields = ["token"]',
        "",
        "[connectors.svc.auth]",
        'type = "bearer"',
        `token = "${TOKEN}"`,
        "scopes = [ oops",
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    const error = await new ConfigManager({ path: place.config }).listConnectors().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/not valid TOML/);
    out.error("config parse error", error);
    for (const args of [
      ["config", "list"],
      ["config", "show", "svc"],
      ["--verbose", "fetch", "svc:/items"],
    ]) {
      const result = keep(out, args.join(" "), await runApikit(args, { env: place.env, cwd: place.cwd }));
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("not valid TOML");
    }
    expectNoLeaks(out, 10);
  }, 30_000);
});

// ── the config manager ───────────────────────────────────────────────────────────────────────────

/** Whether this machine has an OS keyring that takes a secret. */
async function keyringWorks(): Promise<boolean> {
  const account = `security-probe-${process.pid}.token`;
  try {
    await new OsKeyring().set(account, "probe");
    await new OsKeyring().delete(account);
    return true;
  } catch (error) {
    if (error instanceof ConfigError && error.message.startsWith("No OS keyring is available")) return false;
    throw error;
  }
}

describe("the config manager", () => {
  it('storeSecret "keyring" never writes the secret into the TOML file, whether or not a keyring exists', async () => {
    const out = new Outputs(SECRETS);
    const place = cliPlace();
    const warnings: string[] = [];
    const manager = new ConfigManager({ path: place.config, logger: { warn: (m) => void warnings.push(m) } });
    const available = await keyringWorks();
    const auths = {
      bearer: { type: "bearer", token: TOKEN },
      apikey: { type: "apikey", apiKey: HEADER_KEY, header: "X-Service-Key" },
      basic: { type: "basic", username: USERNAME, password: PASSWORD },
      oauth2: {
        type: "oauth2",
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tokenUrl: "https://auth.example.com/token",
      },
    } as const;
    const name = (kind: string) => `sec-${process.pid}-${kind}`;
    try {
      for (const [kind, auth] of Object.entries(auths)) {
        const saved = await manager
          .addConnector(name(kind), { baseUrl: "https://api.example.com", auth }, { storeSecret: "keyring" })
          .then(
            () => true,
            (e: unknown) => e,
          );
        if (available) expect(saved).toBe(true);
        else {
          expect(saved).toBeInstanceOf(ConfigError);
          expect((saved as ConfigError).message).toMatch(/No OS keyring is available/);
          out.error(`keyring ${kind} error`, saved);
        }
      }
      // The CLI's `config add` takes the same road.
      const cli = keep(
        out,
        "config add keyring",
        await runApikit(
          ["config", "add", name("cli"), "--base-url", "https://api.example.com", "--secret-env", "T"],
          {
            env: { ...place.env, T: TOKEN },
            cwd: place.cwd,
          },
        ),
      );
      expect(cli.code).toBe(available ? 0 : 2);
      for (const args of [["config", "list"], ["config", "list", "--json"], ["connectors"]]) {
        const listed = keep(out, args.join(" "), await runApikit(args, { env: place.env, cwd: place.cwd }));
        expect(listed.code).toBe(0);
      }
      if (available) {
        const text = readFileSync(place.config, "utf8");
        expect(text).toContain('secretStore = "keyring"');
        out.text("config.toml", text);
        out.value("listConnectors", await manager.listConnectors());
        for (const kind of Object.keys(auths))
          out.value(`getConnector ${kind}`, await manager.getConnector(name(kind)));
      } else if (existsSync(place.config)) out.text("config.toml", readFileSync(place.config, "utf8"));
      out.text("warnings", warnings.join("\n"));
      expectNoLeaks(out, 6);
    } finally {
      if (available) {
        for (const kind of [...Object.keys(auths), "cli"])
          await manager.removeConnector(name(kind)).catch(() => undefined);
      }
    }
  }, 30_000);

  it('with storeSecret "file", config show, config list and getConnector never print the secret', async () => {
    const out = new Outputs(SECRETS);
    const place = cliPlace();
    const manager = new ConfigManager({
      path: place.config,
      logger: { warn: (m) => out.text("warning", m) },
    });
    await manager.addConnector(
      "filed",
      {
        baseUrl: "https://api.example.com",
        auth: {
          type: "oauth2",
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          tokenUrl: "https://auth.example.com/token",
        },
      },
      { storeSecret: "file" },
    );
    await manager.addConnector(
      "keyed",
      { baseUrl: "https://api.example.com", auth: { type: "apikey", apiKey: HEADER_KEY } },
      { storeSecret: "file" },
    );
    // The file does hold them (that is what "file" means), so the commands had something to leak.
    const text = readFileSync(place.config, "utf8");
    expect(text).toContain(CLIENT_SECRET);
    expect(text).toContain(HEADER_KEY);
    out.value("getConnector", await manager.getConnector("filed"));
    out.value("listConnectors", await manager.listConnectors());
    for (const args of [
      ["config", "show", "filed"],
      ["config", "show", "keyed"],
      ["config", "list"],
      ["config", "list", "--json"],
      ["connectors", "--json"],
    ]) {
      const result = keep(out, args.join(" "), await runApikit(args, { env: place.env, cwd: place.cwd }));
      expect(result.code).toBe(0);
    }
    // Clients made from them log where each secret came from, never the secret.
    const logger = captureLogger(out, "fromName");
    const made: Array<[string, NodeJS.ProcessEnv]> = [
      ["filed", {}],
      ["keyed", {}],
      ["keyed", { KEYED_API_KEY: HEADER_KEY }],
    ];
    for (const [name, env] of made) {
      const saved = await Apikit.fromName(name, { configPath: place.config, logger, env, cwd: place.cwd });
      try {
        const { value, stderr } = await withStderr(() => saved.fetchRecords("/items", { dryRun: true }));
        out.text(`fromName ${name} dry run`, stderr);
        out.value(`fromName ${name} dry run`, value);
        expect(value.authType).toBe(name === "filed" ? "oauth2" : "apikey");
      } finally {
        await saved.close();
      }
    }
    expect(logger.lines).toContain(
      'debug credential filed clientSecret from the saved connector "filed" (OS keyring or config file)',
    );
    expect(logger.lines).toContain("debug credential keyed apiKey from environment variable KEYED_API_KEY");
    expectNoLeaks(out, 20);
  }, 30_000);
});

// ── the webhook receiver ─────────────────────────────────────────────────────────────────────────

const hmac = (secret: string, body: string) => createHmac("sha256", secret).update(body).digest("hex");

async function deliver(url: string, body: string, headers: Record<string, string>): Promise<string> {
  const res = await undiciRequest(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
  });
  return `${res.statusCode} ${await res.body.text()}`;
}

const stripe = new Stripe("sk_test_x");
const stripeHeader = (body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)) =>
  stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });

const WEBHOOKS: Array<{
  provider: string;
  validator: () => WebhookValidator;
  sign: (body: string, secret: string) => Record<string, string>;
}> = [
  {
    provider: "stripe",
    validator: () => new StripeWebhookValidator(WEBHOOK_SECRET),
    sign: (body, secret) => ({ "stripe-signature": stripeHeader(body, secret) }),
  },
  {
    provider: "github",
    validator: () => new GitHubWebhookValidator(WEBHOOK_SECRET),
    sign: (body, secret) => ({
      "x-hub-signature-256": `sha256=${hmac(secret, body)}`,
      "x-github-delivery": "d-1",
    }),
  },
  {
    provider: "generic",
    validator: () => new GenericHmacValidator({ secret: WEBHOOK_SECRET, headerName: "X-Signature" }),
    sign: (body, secret) => ({ "x-signature": hmac(secret, body) }),
  },
];

describe("the webhook receiver", () => {
  it.each(WEBHOOKS)(
    "never logs the $provider signing secret, whatever it is sent",
    async ({ validator, sign }) => {
      const out = new Outputs(SECRETS);
      const logger = captureLogger(out, "receiver");
      const outputFile = join(freshDir(), "events.ndjson");
      const receiver = new WebhookReceiver({
        validator: validator(),
        logger,
        outputFile,
        maxBodyBytes: 4096,
      });
      const url = await receiver.start();
      try {
        const body = JSON.stringify({ id: "evt_1", type: "thing.happened", note: "hello" });
        const replies = [
          await deliver(url, body, sign(body, WEBHOOK_SECRET)),
          await deliver(url, body, sign(body, "not-the-secret")),
          await deliver(url, body, {}),
          await deliver(url, "not json", sign("not json", WEBHOOK_SECRET)),
          await deliver(url, "x".repeat(8192), sign("x".repeat(8192), WEBHOOK_SECRET)),
        ];
        expect(replies.map((r) => r.slice(0, 3))).toEqual(["200", "401", "401", "400", "413"]);
        for (const reply of replies) out.text("webhook reply", reply);
        out.value("events", receiver.events);
      } finally {
        await receiver.stop();
      }
      out.bytes("webhook output file", readFileSync(outputFile));
      expect(logger.lines.some((l) => l.startsWith("warn webhook rejected"))).toBe(true);
      expect(logger.lines.some((l) => l.startsWith("debug webhook accepted"))).toBe(true);
      expectNoLeaks(out, 8);
    },
  );

  it("apikit webhook listen --verbose prints no secret", async () => {
    const out = new Outputs(SECRETS);
    const file = join(freshDir(), "events.ndjson");
    const child: ChildProcessWithoutNullStreams = spawn(
      process.execPath,
      [
        BIN,
        "--verbose",
        "webhook",
        "listen",
        "--provider",
        "github",
        "--secret-env",
        "HOOK_SECRET",
        "--port",
        "0",
        "--out",
        file,
      ],
      { env: { PATH: process.env.PATH ?? "", HOOK_SECRET: WEBHOOK_SECRET } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL on stderr: ${stderr}`)), 10_000);
        const look = () => {
          const match = /listening on (http:\/\/\S+)/.exec(stderr);
          if (!match) return;
          clearTimeout(timer);
          child.stderr.off("data", look);
          resolve(match[1]!);
        };
        child.stderr.on("data", look);
        void exited.then(() => reject(new Error(`exited early: ${stderr}`)));
      });
      const body = JSON.stringify({ zen: "Design for failure.", hook_id: 1 });
      const good = await deliver(url, body, WEBHOOKS[1]!.sign(body, WEBHOOK_SECRET));
      const forged = await deliver(url, body, WEBHOOKS[1]!.sign(body, "guess"));
      expect([good.slice(0, 3), forged.slice(0, 3)]).toEqual(["200", "401"]);
      child.kill("SIGINT");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    out.text("webhook listen stdout", stdout);
    out.text("webhook listen stderr", stderr);
    out.bytes("webhook listen file", readFileSync(file));
    expect(stderr).toContain("rejected");
    expectNoLeaks(out, 3);
  }, 30_000);
});
