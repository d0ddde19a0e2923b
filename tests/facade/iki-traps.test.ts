// The differences from iki-apikit that used to fail quietly: a timeout given in seconds, warnings
// nobody saw (the default logger, APIKIT_LOG_LEVEL's spellings), a maxPages cap that truncated
// without a trace, the strategy a call pages with, and the dry run of a file output.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PaginationError } from "../../src/errors.js";
import { Apikit, type ApikitOptions, DryRunResult } from "../../src/facade/index.js";
import type { Logger } from "../../src/http/index.js";
import { json, type TestServer, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));
const DIST = join(import.meta.dirname, "../../dist/index.js");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "apikit-traps-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), lines };
}

/** 3 pages of 2 records under `items`, offset paging with a total. */
async function listing(): Promise<TestServer> {
  const records = Array.from({ length: 6 }, (_, i) => ({ id: i + 1 }));
  return serve((req, res) => {
    const offset = Number(req.query.get("offset") ?? 0);
    const limit = Number(req.query.get("limit") ?? 2);
    json(res, 200, { items: records.slice(offset, offset + limit), total: records.length });
  });
}
const offset = { strategy: "offset", pageSize: 2, dataPath: "items", totalPath: "total" } as const;

describe("durations are ms, and a timeout that looks like seconds is warned about once", () => {
  it("timeout: 30 (iki-apikit's seconds) warns with the ms to write instead", async () => {
    const server = await listing();
    const logger = recordingLogger();
    client(server.url, { timeout: 30, logger });
    expect(logger.lines).toEqual([
      "warn client options: timeout is 30 ms. apikit's durations are milliseconds (iki-apikit's were seconds): for 30 s write timeoutMs: 30000",
    ]);
  });

  it("a per-call timeoutMs under 100 warns once per client, however many calls use it", async () => {
    const server = await listing();
    const logger = recordingLogger();
    const api = client(server.url, { logger, timeoutMs: 5_000 });
    await api.fetchRecords("/items", { ...offset, timeoutMs: 90 });
    await api.get("/items", { timeoutMs: 90 });
    const warnings = logger.lines.filter((l) => l.startsWith("warn"));
    expect(warnings).toEqual([expect.stringContaining("call options: timeoutMs is 90 ms")]);
  });

  it("100 ms and more, or no timeout at all, say nothing", async () => {
    const server = await listing();
    const logger = recordingLogger();
    const api = client(server.url, { logger, timeoutMs: 100 });
    await api.fetchRecords("/items", { ...offset, timeoutMs: 250 });
    expect(logger.lines.filter((l) => l.startsWith("warn"))).toEqual([]);
  });
});

describe("maxPages and maxItems: truncation is visible, and onLimit: 'raise' makes it an error", () => {
  it("by default the pull stops, warns, and says truncated where a result can carry it", async () => {
    const server = await listing();
    const logger = recordingLogger();
    const api = client(server.url, { logger });
    const stream = api.stream("/items", { ...offset, maxPages: 2 });
    const ids: unknown[] = [];
    for await (const r of stream) ids.push(r.id);
    expect(ids).toEqual([1, 2, 3, 4]);
    expect(stream.truncated).toBe(true);
    expect(logger.lines).toContain(
      'warn stopped at maxPages (2) after 2 pages and 4 records; the API has more (the result is marked truncated; onLimit: "raise" makes this an error)',
    );
    const collected = await api.fetchRecords("/items", { ...offset, maxItems: 3, onInvalid: "collect" });
    expect(collected).toMatchObject({ truncated: true, errors: [] });
    expect(collected.records).toHaveLength(3);
    const file = await api.fetchToFile("/items", {
      ...offset,
      maxPages: 1,
      filePath: join(dir, "cut.ndjson"),
    });
    expect(file).toMatchObject({ truncated: true, records: 2 });
  });

  it("a limit the listing never reaches is not a truncation", async () => {
    const server = await listing();
    const api = client(server.url, { logger: recordingLogger() });
    const stream = api.stream("/items", { ...offset, maxPages: 3 });
    for await (const _ of stream);
    expect(stream.truncated).toBe(false);
    const records = await api.fetchRecords("/items", { ...offset, maxPages: 3, onLimit: "raise" });
    expect(records).toHaveLength(6);
  });

  it("onLimit: 'raise' throws PaginationError with how far it got and the records read", async () => {
    const server = await listing();
    const api = client(server.url, { logger: recordingLogger() });
    const error = await api
      .fetchRecords("/items", { ...offset, maxPages: 2, onLimit: "raise" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({ pages: 2, recordsFetched: 4 });
    expect(error.records.map((r: { id: number }) => r.id)).toEqual([1, 2, 3, 4]);
    expect(error.message).toMatch(
      /^maxPages \(2\) reached after 2 pages and 4 records, and the API has more/,
    );
  });

  it("set on the client's pagination, it holds for every call; a file is then not written", async () => {
    const server = await listing();
    const api = client(server.url, {
      logger: recordingLogger(),
      pagination: { ...offset, onLimit: "raise" },
    });
    const target = join(dir, "never.parquet");
    await expect(api.fetchToFile("/items", { maxItems: 3, filePath: target })).rejects.toThrow(
      /maxItems \(3\) reached after 2 pages and 3 records/,
    );
    expect(existsSync(target)).toBe(false);
    await expect(api.fetchRecords("/items", { maxPages: 1, onLimit: "truncate" })).resolves.toHaveLength(2);
  });
});

describe("which strategy a call pages with is logged at info", () => {
  it("names the method, the redacted URL, the strategy and the limits", async () => {
    const server = await listing();
    const logger = recordingLogger();
    const api = client(server.url, { logger, token: "s3cret-token-value" });
    await api.fetchRecords("/items", { ...offset, maxPages: 2, params: { api_key: "hidden-key" } });
    await api.fetchRecords("/items", { paginate: false });
    const info = logger.lines.filter((l) => l.startsWith("info GET"));
    expect(info[0]).toMatch(
      /^info GET http:\/\/127\.0\.0\.1:\d+\/items\?api_key=\S+: offset pagination, maxPages 2$/,
    );
    expect(info[0]).not.toContain("hidden-key");
    expect(info[1]).toMatch(/\/items: one request, no pagination$/);
  });
});

describe("the dry run of a file output says what it would write", () => {
  it("fetchToFile's plan has outputFormat and outputPath; other calls have null", async () => {
    const server = await listing();
    const api = client(server.url, { logger: recordingLogger() });
    const target = join(dir, "orders.parquet");
    const plan = await api.fetchToFile("/items", { ...offset, filePath: target, dryRun: true });
    expect(plan).toBeInstanceOf(DryRunResult);
    expect(plan.toJSON()).toMatchObject({ outputFormat: "parquet", outputPath: target, method: "GET" });
    expect(plan.toString()).toContain(`output: parquet → ${target}`);
    const csv = await api.fetchToFile("/items", {
      filePath: join(dir, "x.txt"),
      format: "CSV",
      dryRun: true,
    });
    expect(csv.toJSON()).toMatchObject({ outputFormat: "csv" });
    const records = await api.fetchRecords("/items", { dryRun: true });
    expect(records.toJSON()).toMatchObject({ outputFormat: null, outputPath: null });
    expect(Object.keys(records.toJSON()).sort()).toEqual(
      [
        "authType",
        "dryRun",
        "headers",
        "method",
        "outputFormat",
        "outputPath",
        "paginate",
        "pagination",
        "params",
        "url",
      ].sort(),
    );
    expect(server.requests).toHaveLength(0);
    expect(existsSync(target)).toBe(false);
  });
});

/** Runs a script against the built package in a child process with its own stderr and environment. */
function child(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ["--input-type=module", "-e", script], {
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => (stderr += d));
    proc.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("the default logger writes warnings and errors to stderr; APIKIT_LOG_LEVEL in iki-apikit's spellings", () => {
  const pull = (url: string, extra = "") => `
    import { Apikit } from ${JSON.stringify(DIST)};
    const client = new Apikit({ baseUrl: ${JSON.stringify(url)} ${extra} });
    await client.fetchRecords("/items", { strategy: "offset", pageSize: 2, dataPath: "items", totalPath: "total", maxPages: 1 });
    await client.close();`;
  const STOPPED = /^\[apikit\] WARN stopped at maxPages \(1\) after 1 pages and 2 records; the API has more/m;
  const INFO = /^\[apikit\] INFO GET http:\/\/127\.0\.0\.1:\d+\/items: offset pagination, maxPages 1$/m;

  it("each level and spelling shows what it should, and nothing else", async () => {
    const server = await listing();
    const cases: Array<
      [Record<string, string>, string, { stopped: boolean; info: boolean; unknown?: boolean }]
    > = [
      [{}, "", { stopped: true, info: false }],
      [{ APIKIT_LOG_LEVEL: "WARNING" }, "", { stopped: true, info: false }],
      [{ APIKIT_LOG_LEVEL: "warn" }, "", { stopped: true, info: false }],
      [{ APIKIT_LOG_LEVEL: "Info" }, "", { stopped: true, info: true }],
      [{ APIKIT_LOG_LEVEL: "DEBUG" }, "", { stopped: true, info: true }],
      [{ APIKIT_LOG_LEVEL: "ERROR" }, "", { stopped: false, info: false }],
      [{ APIKIT_LOG_LEVEL: "SILENT" }, "", { stopped: false, info: false }],
      [{ APIKIT_LOG_LEVEL: "silent" }, "", { stopped: false, info: false }],
      [{}, ", logger: false", { stopped: false, info: false }],
      [{ APIKIT_LOG_LEVEL: "loud" }, "", { stopped: true, info: false, unknown: true }],
    ];
    const runs = await Promise.all(cases.map(([env, extra]) => child(pull(server.url, extra), env)));
    runs.forEach((run, i) => {
      const [env, extra, want] = cases[i]!;
      const label = `${JSON.stringify(env)}${extra}`;
      expect(run.code, `${label}: ${run.stderr}`).toBe(0);
      expect(STOPPED.test(run.stderr), label).toBe(want.stopped);
      expect(INFO.test(run.stderr), label).toBe(want.info);
      expect(run.stderr.includes('APIKIT_LOG_LEVEL="loud" is not a level'), label).toBe(
        want.unknown === true,
      );
      if (!want.stopped && !want.info) expect(run.stderr, label).toBe("");
    });
  });
});

describe("flat auth fields beside an auth object", () => {
  it("are a ConfigError naming the field, not silently unused", () => {
    expect(
      () =>
        new Apikit({
          baseUrl: "https://api.example.com",
          auth: { type: "apikey", apiKey: "k" },
          apiKeyHeader: "X-Key",
          logger: false,
        }),
    ).toThrow(/apiKeyHeader: given beside an auth object; put it inside auth/);
  });
});
