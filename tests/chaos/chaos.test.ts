// Fault injection: 100 seeded runs against a server that throttles, fails, resets, truncates, stalls
// and repeats cursors. Every pull must either return exactly the full dataset or fail with a typed
// error and leave nothing behind at (or beside) the target path; the tallies are printed.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApikitError,
  HttpError,
  NetworkError,
  PaginationError,
  RateLimitError,
  TimeoutError,
} from "../../src/errors.js";
import { Apikit, type FetchOptions } from "../../src/facade/index.js";
import { duckQuery } from "../writers/support.js";
import {
  type ChaosServer,
  DATASET,
  type Fault,
  type RunLog,
  STRATEGIES,
  startChaosServer,
} from "./chaos-server.js";

const SEEDS = Array.from({ length: 100 }, (_, i) => i + 1);
const FILE_FORMATS = ["ndjson", "csv", "parquet", "json"] as const;
/** The client's timeout: far below the server's slow answers (2 s), above anything a healthy page takes. */
const TIMEOUT_MS = 300;
/** No single pull may take longer than this: a Retry-After of an hour must fail fast, not wait. */
const RUN_DEADLINE_MS = 10_000;

/** Most specific first: RateLimitError is an HttpError too. */
const TYPED = [RateLimitError, PaginationError, TimeoutError, NetworkError, HttpError] as const;
type TypedName = (typeof TYPED)[number]["name"];

let server: ChaosServer;
let root: string;
beforeAll(async () => {
  server = await startChaosServer();
  root = mkdtempSync(join(tmpdir(), "apikit-chaos-"));
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

function clientFor(seed: number) {
  const strategy = STRATEGIES[seed % STRATEGIES.length]!;
  const pagination: FetchOptions =
    strategy === "offset"
      ? { strategy: "offset", pageSize: 25, dataPath: "items", totalPath: "total" }
      : strategy === "cursor"
        ? { strategy: "cursor", dataPath: "data", nextCursorPath: "next_cursor" }
        : { strategy: "link" };
  const api = new Apikit({
    baseUrl: server.url,
    timeout: TIMEOUT_MS,
    retry: { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 1_000 },
  });
  return { api, strategy, pagination };
}

/** Which injected faults can explain a failure of this class (and status). */
function explains(error: ApikitError, name: TypedName): Fault[] {
  switch (name) {
    case "RateLimitError":
      return (error as RateLimitError).retryAfter === 3600 ? ["429-hour"] : ["429", "429-retry-after-0"];
    case "PaginationError":
      return ["repeat"];
    case "TimeoutError":
      return ["slow"];
    case "NetworkError":
      return ["reset"];
    default:
      return error.status === 200 ? ["truncated"] : [String(error.status) as Fault];
  }
}

class Tally {
  complete = 0;
  failures = new Map<string, number>();
  slowest = 0;
  faults = new Map<Fault, number>();

  add(outcome: TypedName | "complete", log: RunLog, ms: number): void {
    if (outcome === "complete") this.complete += 1;
    else this.failures.set(outcome, (this.failures.get(outcome) ?? 0) + 1);
    this.slowest = Math.max(this.slowest, ms);
    for (const [fault, n] of Object.entries(log.faults)) {
      this.faults.set(fault as Fault, (this.faults.get(fault as Fault) ?? 0) + n);
    }
  }

  get failed(): number {
    return [...this.failures.values()].reduce((a, b) => a + b, 0);
  }

  report(label: string, elapsedMs: number): string {
    const byClass = [...this.failures.entries()].sort((a, b) => b[1] - a[1]);
    const injected = [...this.faults.entries()].map(([f, n]) => `${f} ${n}`).join(", ");
    return (
      `chaos ${label}: ${SEEDS.length} seeds → ${this.complete} complete, ${this.failed} typed failures ` +
      `(${byClass.map(([c, n]) => `${c} ${n}`).join(", ")}); faults injected: ${injected}; ` +
      `slowest run ${Math.round(this.slowest)} ms, total ${(elapsedMs / 1000).toFixed(1)} s`
    );
  }
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** The call's outcome; one still running at the deadline becomes a plain (untyped) Error, a hang by name. */
async function settle<T>(work: () => Promise<T>, ms = RUN_DEADLINE_MS): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung for more than ${ms} ms`)), ms);
  });
  try {
    return { ok: true, value: await Promise.race([work(), deadline]) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

/** Closes the client; a close that waits on a request still held somewhere fails the run. */
async function closeWithin(api: Apikit, context: string): Promise<void> {
  const closed = await settle(() => api.close(), 2_000);
  if (!closed.ok) throw new Error(`${context}: client.close() ${String(closed.error)}`);
}

/** Asserts the error is typed and explained by a fault the server really injected; returns its class. */
function typedFailure(error: unknown, log: RunLog, context: string): TypedName {
  const cls = TYPED.find((c) => error instanceof c);
  if (!cls) throw new Error(`${context}: untyped failure: ${String(error)}`, { cause: error });
  const typed = error as ApikitError;
  const causes = explains(typed, cls.name);
  expect(
    causes.some((f) => (log.faults[f] ?? 0) > 0),
    `${context}: ${cls.name} (${typed.message}) but the server injected ${JSON.stringify(log.faults)}`,
  ).toBe(true);
  return cls.name;
}

const flat = (r: (typeof DATASET)[number]) => ({
  id: r.id,
  name: r.name,
  score: r.score,
  tag__kind: r.tag.kind,
});

/** The file read back independently of apikit's writers, as comparable plain rows. */
async function readBack(path: string, format: (typeof FILE_FORMATS)[number]): Promise<unknown[]> {
  if (format === "ndjson") {
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line));
  }
  if (format === "json") return JSON.parse(readFileSync(path, "utf8")) as unknown[];
  const quoted = `'${path.replaceAll("'", "''")}'`;
  const rows = await duckQuery(
    format === "csv"
      ? `SELECT * FROM read_csv(${quoted}, header = true)`
      : `SELECT * FROM read_parquet(${quoted})`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    name: String(r.name),
    score: Number(r.score),
    tag__kind: String(r.tag__kind),
  }));
}

describe("chaos: 100 seeded runs against a misbehaving server", () => {
  it("fetchToFile either writes exactly the full dataset or fails typed with nothing left in the directory", async () => {
    const tally = new Tally();
    const started = performance.now();
    for (const seed of SEEDS) {
      const format = FILE_FORMATS[seed % FILE_FORMATS.length]!;
      const { api, strategy, pagination } = clientFor(seed);
      const run = `file-${seed}`;
      const dir = join(root, run);
      mkdirSync(dir);
      const filePath = join(dir, `out.${format}`);
      const context = `seed ${seed} (${strategy}, ${format})`;
      const t0 = performance.now();
      const outcome = await settle(() =>
        api.fetchToFile(`/r/${run}/${strategy}/items`, { ...pagination, filePath }),
      );
      const ms = performance.now() - t0;
      await closeWithin(api, context);
      const log = server.run(run);
      if (outcome.ok) {
        expect(outcome.value.records, context).toBe(DATASET.length);
        expect(readdirSync(dir), context).toEqual([`out.${format}`]);
        const expected = format === "ndjson" || format === "json" ? DATASET : DATASET.map(flat);
        expect(await readBack(filePath, format), context).toEqual(expected);
        tally.add("complete", log, ms);
      } else {
        const name = typedFailure(outcome.error, log, context);
        expect(existsSync(filePath), `${context}: ${name} left a file at the target`).toBe(false);
        expect(readdirSync(dir), `${context}: ${name} left files beside the target`).toEqual([]);
        tally.add(name, log, ms);
      }
    }
    console.log(tally.report("fetchToFile", performance.now() - started));
    expect(tally.complete + tally.failed).toBe(SEEDS.length);
    expect(tally.complete).toBeGreaterThan(0);
    expect(tally.failed).toBeGreaterThan(0);
    expect(tally.slowest).toBeLessThan(RUN_DEADLINE_MS);
  }, 60_000);

  it("fetchRecords either returns every record once, in order, or fails typed; an hour's Retry-After is not waited for later", async () => {
    const tally = new Tally();
    let askedAgain = 0;
    const started = performance.now();
    for (const seed of SEEDS) {
      const { api, strategy, pagination } = clientFor(seed);
      const run = `records-${seed}`;
      const path = `/r/${run}/${strategy}/items`;
      const context = `seed ${seed} (${strategy})`;
      const t0 = performance.now();
      const outcome = await settle(() => api.fetchRecords(path, pagination));
      const ms = performance.now() - t0;
      const log = server.run(run);
      if (outcome.ok) {
        expect(outcome.value, context).toEqual(DATASET);
        tally.add("complete", log, ms);
      } else {
        tally.add(typedFailure(outcome.error, log, context), log, ms);
        if (outcome.error instanceof RateLimitError && outcome.error.retryAfter === 3600) {
          // The same client asked again within the hour: refused at once, not held until the reset.
          const t1 = performance.now();
          const again = await settle(() => api.fetchRecords(path, pagination), 3_000);
          const error = again.ok ? again.value : again.error;
          expect(error, `${context}: asked again`).toBeInstanceOf(RateLimitError);
          expect((error as RateLimitError).message, context).toMatch(/was not sent.*maxRetryAfterMs/);
          expect(performance.now() - t1, context).toBeLessThan(1_000);
          askedAgain += 1;
        }
      }
      await closeWithin(api, context);
    }
    console.log(
      `${tally.report("fetchRecords", performance.now() - started)}; ` +
        `${askedAgain} clients asked again after an hour's Retry-After were refused at once`,
    );
    expect(tally.complete + tally.failed).toBe(SEEDS.length);
    expect(tally.complete).toBeGreaterThan(0);
    expect(tally.failed).toBeGreaterThan(0);
    expect(askedAgain).toBeGreaterThan(0);
    expect(tally.slowest).toBeLessThan(RUN_DEADLINE_MS);
  }, 60_000);
});
