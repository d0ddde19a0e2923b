// `progress: true` on a listing: a live bar on stderr when it is a terminal (pages, records, records/s,
// retries and waits, with the reason of a wait while it lasts), nothing at all otherwise; it starts with
// the first request and stops however the pull ends, leaving no timer and no listener behind.
// In process, the bar draws on a fake terminal through the test seam setProgressStream(); two child
// processes check the real stderr, once under a pseudo-terminal (`script`) and once on a pipe.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { catalogEntry, DEMO_REVIEWS_QUERY, type DemoServer, startDemoServer } from "../../src/demo/index.js";
import { HttpError } from "../../src/errors.js";
import { Apikit, type ApikitOptions, DryRunResult, type FetchOptions } from "../../src/facade/index.js";
import { setProgressStream } from "../../src/facade/progress.js";
import { type Logger, observerOf, silentLogger } from "../../src/http/index.js";
import { FAST_RETRY, json, useLoopback } from "../support/server.js";
import { fakeTerminal } from "../support/terminal.js";

const run = promisify(execFile);
const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));
const quiet: Logger = silentLogger;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "apikit-progress-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const demos: DemoServer[] = [];
async function demo(options: Parameters<typeof startDemoServer>[0]): Promise<DemoServer> {
  const server = await startDemoServer(options);
  demos.push(server);
  return server;
}
afterEach(async () => {
  setProgressStream(undefined);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await Promise.all(demos.splice(0).map((d) => d.close()));
});

/** A fake terminal (or not) where `progress: true` draws for the test. */
function fakeStream(tty: boolean) {
  const terminal = fakeTerminal(tty, 300);
  setProgressStream(terminal.stream);
  return terminal;
}

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}(\\[[0-9;?]*[A-Za-z]|[78])`, "g");

/** Each redraw of the live line, as read on the terminal. */
function frames(text: string): string[] {
  return text
    .split(`${ESC}[1G`)
    .map((frame) => frame.replace(ANSI, "").trim())
    .filter(Boolean);
}

/** The line the bar leaves on the terminal when it stops. */
function finalLine(text: string): string {
  expect(text.endsWith("\n"), "the bar ends its line when it stops").toBe(true);
  return frames(text).at(-1) ?? "";
}

/** Counts the bar's timers (cli-progress's redraw, the wait countdown) and which are still pending. */
function watchBarTimers() {
  const fromBar = () => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 50;
    const stack = new Error().stack ?? "";
    Error.stackTraceLimit = limit;
    return /cli-progress|src[\\/]facade[\\/]progress\.ts/.test(stack);
  };
  const pending = new Set<unknown>();
  let started = 0;
  const { setTimeout: setT, setInterval: setI, clearTimeout: clearT, clearInterval: clearI } = globalThis;
  vi.spyOn(globalThis, "setTimeout").mockImplementation(((
    fn: (...args: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ) => {
    const mine = fromBar();
    const handle = setT(() => {
      pending.delete(handle);
      fn(...args);
    }, ms);
    if (mine) {
      started += 1;
      pending.add(handle);
    }
    return handle;
  }) as typeof setTimeout);
  vi.spyOn(globalThis, "setInterval").mockImplementation(((
    fn: (...args: unknown[]) => void,
    ms?: number,
    ...args: unknown[]
  ) => {
    const handle = setI(fn, ms, ...args);
    if (fromBar()) {
      started += 1;
      pending.add(handle);
    }
    return handle;
  }) as typeof setInterval);
  vi.spyOn(globalThis, "clearTimeout").mockImplementation((handle) => {
    pending.delete(handle);
    clearT(handle);
  });
  vi.spyOn(globalThis, "clearInterval").mockImplementation((handle) => {
    pending.delete(handle);
    clearI(handle);
  });
  return { started: () => started, pending: () => pending.size };
}

const users = { ...catalogEntry("users").pagination, pageSize: 10, progress: true } as FetchOptions;
const reviews = { connectionPath: "reviews", pageSize: 10, progress: true };

async function drain<T>(items: AsyncIterable<T>): Promise<number> {
  let n = 0;
  for await (const _ of items) n += 1;
  return n;
}

/** A page API: `pages` pages of 10 records at /items?page=N, page `failAt` a 404; /flaky is a 503 once, then 200. */
function itemsServer(pages: number, failAt?: number) {
  let flaky = 0;
  return serve((req, res) => {
    if (req.url.startsWith("/flaky")) return json(res, ++flaky === 1 ? 503 : 200, { ok: flaky > 1 });
    const page = Number(req.query.get("page") ?? 1);
    if (page === failAt) return json(res, 404, { error: "gone" });
    const items = page > pages ? [] : Array.from({ length: 10 }, (_, i) => ({ id: (page - 1) * 10 + i }));
    json(res, 200, { items });
  });
}
const itemPages = { strategy: "page", pageSize: 10, dataPath: "items", progress: true } as const;

describe("progress: true on a terminal", () => {
  const calls: Array<[string, (api: Apikit) => Promise<unknown>]> = [
    ["fetchRecords", (api) => api.fetchRecords("/users", users)],
    ["stream", (api) => drain(api.stream("/users", users))],
    ["pages", (api) => drain(api.pages("/users", users))],
    ["fetchToFile", (api) => api.fetchToFile("/users", { ...users, filePath: join(dir, "users.ndjson") })],
    ["fetchPolars", (api) => api.fetchPolars("/users", users)],
    ["fetchArrow", (api) => api.fetchArrow("/users", users)],
    [
      "graphql (paginate)",
      (api) => api.graphql("/graphql", DEMO_REVIEWS_QUERY, { ...reviews, paginate: true }),
    ],
    ["graphqlStream", (api) => drain(api.graphqlStream("/graphql", DEMO_REVIEWS_QUERY, reviews))],
    [
      "graphqlToFile",
      (api) =>
        api.graphqlToFile("/graphql", DEMO_REVIEWS_QUERY, { ...reviews, filePath: join(dir, "reviews.csv") }),
    ],
  ];

  it.each(calls)("%s draws the pull's pages and records and leaves its final count", async (_name, call) => {
    const server = await demo({ size: 30, faults: false });
    const { written } = fakeStream(true);
    await call(client(server.url, { logger: quiet }));
    expect(frames(written())[0]).toMatch(
      /^0 pages \| 0 records \| 0 rec\/s \| 0\.0 MB \| 0 retries \| 0 waits$/,
    );
    expect(finalLine(written())).toMatch(
      /^3 pages \| 30 records \| \d+ rec\/s \| [\d.]+ MB \| 0 retries \| 0 waits$/,
    );
  });

  it("counts the retries and waits, says why it waits while it does, and drops the reason after", async () => {
    // The 2nd request is a 429 with Retry-After: 1 (a retry, then the rate-limit state holds the next
    // request), the 3rd a 503 (a second retry).
    const server = await demo({
      size: 60,
      faults: { rateLimitAt: [2], unavailableAt: [3], retryAfterSeconds: 1 },
    });
    const { written } = fakeStream(true);
    const timers = watchBarTimers();
    const records = await client(server.url, { logger: quiet }).fetchRecords("/users", users);
    expect(records).toHaveLength(60);
    expect(server.stats.total).toMatchObject({ rateLimited: 1, unavailable: 1 });
    const waiting = frames(written()).filter((f) => / \| (retrying in|rate limit, waiting) /.test(f));
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting[0]).toMatch(
      /^\d pages? \| \d+ records .*\| (retrying in|rate limit, waiting) [\d.]+ m?s: \S/,
    );
    const last = finalLine(written());
    expect(last).toMatch(/^6 pages \| 60 records \| \d+ rec\/s \| [\d.]+ MB \| 2 retries \| \d+ waits?$/);
    expect(timers.started()).toBeGreaterThan(0);
    expect(timers.pending()).toBe(0);
  });

  it("starts with the first request, stops when the consumer breaks out, and hears the client no more", async () => {
    const server = await itemsServer(10);
    const api = client(server.url, { logger: quiet });
    const { written } = fakeStream(true);
    const timers = watchBarTimers();
    const observer = observerOf(api.dispatcher);
    const listeners = observer.listeners;
    const stream = api.stream("/items", itemPages);
    expect(written()).toBe("");
    expect(server.requests).toHaveLength(0);
    let read = 0;
    for await (const _ of stream) {
      if (read === 0) {
        expect(frames(written())[0]).toMatch(/^0 pages \| 0 records/);
        expect(observer.listeners).toBe(listeners + 1);
      }
      if (++read === 15) break;
    }
    expect(observer.listeners).toBe(listeners);
    expect(finalLine(written())).toMatch(
      /^2 pages \| 20 records \| \d+ rec\/s \| [\d.]+ MB \| 0 retries \| 0 waits$/,
    );
    expect(timers.pending()).toBe(0);
    // A retry of the same client after the end reaches the bar no more.
    const before = written();
    await api.get("/flaky");
    await new Promise((r) => setTimeout(r, 250));
    expect(written()).toBe(before);
    expect(server.requests.filter((r) => r.url === "/flaky")).toHaveLength(2);
  });

  it("stops when the pull fails, its last line the count before the failure", async () => {
    const server = await itemsServer(10, 3);
    const { written } = fakeStream(true);
    const timers = watchBarTimers();
    const error = await client(server.url, { logger: quiet })
      .fetchRecords("/items", itemPages)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(404);
    expect(finalLine(written())).toMatch(
      /^2 pages \| 20 records \| \d+ rec\/s \| [\d.]+ MB \| 0 retries \| 0 waits$/,
    );
    expect(timers.pending()).toBe(0);
  });

  it("draws nothing for a dry run, which sends nothing", async () => {
    const { written } = fakeStream(true);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const result = await client("http://127.0.0.1:9", { logger: quiet }).fetchRecords("/items", {
      ...itemPages,
      dryRun: true,
    });
    expect(result).toBeInstanceOf(DryRunResult);
    expect(stderr).toHaveBeenCalled();
    expect(written()).toBe("");
  });
});

describe("progress off a terminal: plain lines", () => {
  const RETRY_LINE = /^\[apikit\] GET \/users\?\S*: retrying in \d+ ms \(attempt 2 of \d+\): .+$/;

  it("progress: true writes each retry at once and a closing line, no bar and no redraw", async () => {
    const server = await demo({
      size: 60,
      faults: { rateLimitAt: [2], unavailableAt: [3], retryAfterSeconds: 0 },
    });
    const { written } = fakeStream(false);
    const timers = watchBarTimers();
    const records = await client(server.url, { logger: quiet }).fetchRecords("/users", users);
    expect(records).toHaveLength(60);
    expect(server.stats.total).toMatchObject({ rateLimited: 1, unavailable: 1 });
    const lines = written().trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(RETRY_LINE);
    expect(lines[0]).toContain("429");
    expect(lines[1]).toMatch(RETRY_LINE);
    expect(lines[1]).toContain("503");
    expect(lines[2]).toMatch(
      /^\[apikit\] GET \/users: done: 6 pages, 60 records in [\d.]+ s, 2 retries, \d+ rate-limit waits? \([\d.]+ m?s\)$/,
    );
    expect(written()).not.toContain(ESC);
    expect(timers.pending()).toBe(0);
  });

  it("a quick, clean pull writes nothing at all", async () => {
    const server = await demo({ size: 30, faults: false });
    const { written } = fakeStream(false);
    expect(await client(server.url, { logger: quiet }).fetchRecords("/users", users)).toHaveLength(30);
    expect(written()).toBe("");
  });

  it("a long pull says how far it got every interval, and how it ended", async () => {
    const server = await demo({ size: 40, faults: false, latencyMs: 40 });
    const terminal = fakeTerminal(false, 300);
    setProgressStream(terminal.stream, { intervalMs: 60 });
    let seen = 0;
    for await (const _ of client(server.url, { logger: quiet }).stream("/users", users))
      if (++seen === 25) break;
    const lines = terminal.written().trimEnd().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines.slice(0, -1))
      expect(line).toMatch(/^\[apikit\] GET \/users: \d+ pages?, \d+ records? in [\d.]+ s so far$/);
    expect(lines.at(-1)).toMatch(
      /^\[apikit\] GET \/users: stopped by its reader: 3 pages, 30 records in [\d.]+ s$/,
    );
  });

  it("a failed pull that said anything ends with 'failed'", async () => {
    let failedOnce = false;
    const server = await serve((req, res) => {
      const page = Number(req.query.get("page") ?? 1);
      if (page === 3) return json(res, 404, { error: "gone" });
      if (page === 2 && !failedOnce) {
        failedOnce = true;
        return json(res, 503, { error: "busy" });
      }
      json(res, 200, { items: Array.from({ length: 10 }, (_, i) => ({ id: page * 10 + i })) });
    });
    const { written } = fakeStream(false);
    const error = await client(server.url, { logger: quiet, retry: FAST_RETRY })
      .fetchRecords("/items", itemPages)
      .catch((e: unknown) => e);
    expect((error as HttpError).status).toBe(404);
    const lines = written().trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^\[apikit\] GET \/items\?\S*page=2\S*: retrying in \d+ ms \(attempt 2 of \d+\): /,
    );
    expect(lines[1]).toMatch(
      /^\[apikit\] GET \/items: failed: 2 pages, 20 records in [\d.]+ s, 1 retry, 0 rate-limit waits \(\d+ ms\)$/,
    );
  });

  it("progress: false writes nothing, even through retries in a notebook", async () => {
    const server = await demo({ size: 60, faults: { rateLimitAt: [2], retryAfterSeconds: 0 } });
    const { written } = fakeStream(false);
    vi.stubEnv("JPY_PARENT_PID", "4242");
    const records = await client(server.url, { logger: quiet }).fetchRecords("/users", {
      ...users,
      progress: false,
    });
    expect(records).toHaveLength(60);
    expect(written()).toBe("");
  });

  it("unasked, writes lines in a notebook kernel (JPY_PARENT_PID) and nothing elsewhere", async () => {
    const server = await demo({ size: 60, faults: { rateLimitAt: [2, 4], retryAfterSeconds: 0 } });
    const unasked = { ...users, progress: undefined };
    const elsewhere = fakeStream(false);
    expect(await client(server.url, { logger: quiet }).fetchRecords("/users", unasked)).toHaveLength(60);
    expect(server.stats.total).toMatchObject({ rateLimited: 2 });
    expect(elsewhere.written()).toBe("");
    vi.stubEnv("JPY_PARENT_PID", "4242");
    const notebook = fakeStream(false);
    const again = await demo({ size: 60, faults: { rateLimitAt: [2], retryAfterSeconds: 0 } });
    expect(await client(again.url, { logger: quiet }).fetchRecords("/users", unasked)).toHaveLength(60);
    const lines = notebook.written().trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(RETRY_LINE);
    expect(lines[1]).toMatch(/^\[apikit\] GET \/users: done: 6 pages, 60 records in /);
  });
});

// The real process.stderr: a child process pulls the demo API with `progress: true`, its TypeScript
// sources loaded as they are (.js specifiers resolved to the .ts files beside them).
describe("progress: true in a process of its own", () => {
  const SRC = resolve(import.meta.dirname, "../../src");
  const SCRIPT = "/usr/bin/script";

  /** A script that pulls the demo's users with `progress` set to this, or not set ("unset"). */
  async function child(progress: boolean | "unset" = true): Promise<{ node: string[] }> {
    const hook = join(dir, "ts-hook.mjs");
    await writeFile(
      hook,
      `import { existsSync } from "node:fs";
import { registerHooks } from "node:module";
import { fileURLToPath } from "node:url";
registerHooks({
  resolve(specifier, context, next) {
    if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
      const ts = new URL(specifier.replace(/\\.js$/, ".ts"), context.parentURL);
      if (existsSync(fileURLToPath(ts))) return next(ts.href, context);
    }
    return next(specifier, context);
  },
});
`,
    );
    const main = join(dir, "pull.ts");
    const url = (path: string) => pathToFileURL(join(SRC, path)).href;
    await writeFile(
      main,
      `import { startDemoServer } from ${JSON.stringify(url("demo/index.ts"))};
import { Apikit } from ${JSON.stringify(url("facade/index.ts"))};
const server = await startDemoServer({ size: 60, faults: { rateLimitAt: [2], unavailableAt: [3], retryAfterSeconds: 0 } });
const api = new Apikit({ baseUrl: server.url, retry: ${JSON.stringify(FAST_RETRY)} });
const records = await api.fetchRecords("/users", ${JSON.stringify({ ...users, progress: progress === "unset" ? undefined : progress })});
await api.close();
await server.close();
process.stdout.write(\`pulled \${records.length}\\n\`);
`,
    );
    return { node: ["--experimental-transform-types", "--no-warnings", "--import", hook, main] };
  }

  it("on a pipe: the retries and the closing line as plain lines on stderr", async () => {
    const { node } = await child();
    const { stdout, stderr } = await run(process.execPath, node, {
      timeout: 60_000,
      env: { ...process.env, APIKIT_LOG_LEVEL: "warn", JPY_PARENT_PID: "" },
    });
    expect(stdout).toBe("pulled 60\n");
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[apikit\] GET \/users\?\S*: retrying in \d+ ms \(attempt 2 of \d+\): /);
    expect(lines[2]).toMatch(/^\[apikit\] GET \/users: done: 6 pages, 60 records in [\d.]+ s, 2 retries, /);
  });

  it("on a pipe, unasked and outside a notebook: stderr stays empty", async () => {
    const { node } = await child("unset");
    const { stdout, stderr } = await run(process.execPath, node, {
      timeout: 60_000,
      env: { ...process.env, APIKIT_LOG_LEVEL: "warn", JPY_PARENT_PID: "" },
    });
    expect(stdout).toBe("pulled 60\n");
    expect(stderr).toBe("");
  });

  it.skipIf(!existsSync(SCRIPT))(
    "under a pseudo-terminal: the bar on stderr, pages, records and retries",
    async () => {
      const { node } = await child();
      const command = [process.execPath, ...node].map((a) => `'${a}'`).join(" ");
      const { stdout } = await run(SCRIPT, ["-qfec", command, "/dev/null"], {
        timeout: 60_000,
        env: { ...process.env, APIKIT_LOG_LEVEL: "warn", COLUMNS: "200" },
      });
      expect(stdout).toContain("pulled 60");
      expect(frames(stdout.split("pulled")[0] ?? "").at(-1)).toMatch(
        /^6 pages \| 60 records \| \d+ rec\/s \| [\d.]+ MB \| 2 retries \| \d+ waits?$/,
      );
    },
  );
});

describe("progress lines on their own", () => {
  const event = { method: "GET", url: "http://127.0.0.1:9/users?offset=10", reason: "client-side rateLimit" };

  it("announce a rate-limit wait of a second or more, count shorter ones, and write nothing once stopped", async () => {
    const { ProgressLines } = await import("../../src/facade/progress-lines.js");
    const lines: string[] = [];
    const progress = new ProgressLines({
      stream: { write: (t: string) => lines.push(t) },
      label: "GET /users",
    });
    progress.start();
    progress.rateLimit({ ...event, waitMs: 999 });
    expect(lines).toEqual([]);
    progress.rateLimit({ ...event, waitMs: 1000 });
    progress.page(10, 100);
    progress.stop("done");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      "[apikit] GET /users?offset=10: rate limit, waiting 1.0 s: client-side rateLimit\n",
    );
    expect(lines[1]).toMatch(
      /^\[apikit\] GET \/users: done: 1 page, 10 records in [\d.]+ s, 0 retries, 2 rate-limit waits \(2.0 s\)\n$/,
    );
    progress.rateLimit({ ...event, waitMs: 5000 });
    progress.stop("failed");
    expect(lines).toHaveLength(2);
  });
});
