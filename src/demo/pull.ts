// The pull `apikit demo` runs: every resource of a demo server into one Parquet file each (all at
// once, so their 429 waits overlap) and into one DuckDB file (one table each, one at a time, as they
// share the file), counting every retry and rate-limit wait through the clients' hooks.
import { mkdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Apikit } from "../facade/index.js";
import type { Hooks, Logger, RateLimitEvent, RetryEvent } from "../http/index.js";
import { DEMO_CATALOG, type DemoResourceInfo } from "./catalog.js";
import { DEMO_REVIEWS_QUERY } from "./graphql.js";
import type { DemoResource } from "./records.js";

export interface DemoPullOptions {
  /** The demo server's URL. */
  url: string;
  /** Output directory (created if missing). */
  out: string;
  /** Records asked for per page. Default 25. */
  pageSize?: number;
  logger?: Logger;
}

export interface PulledResource {
  name: DemoResource;
  style: string;
  records: number;
  pages: number;
  parquet: { path: string; bytes: number };
  /** Rows written to the resource's table in the DuckDB file. */
  duckdbRecords: number;
}

export interface DemoPullResult {
  resources: PulledResource[];
  duckdb: { path: string; bytes: number; tables: DemoResource[] };
  /** Attempts that failed and were tried again, by status ("network" for no status). */
  retries: { count: number; waitMs: number; byStatus: Record<string, number> };
  /** Requests held by the rate-limit gate until the server's window reset. */
  rateLimitWaits: { count: number; waitMs: number };
  elapsedMs: number;
}

interface Written {
  records: number;
  pages: number;
  bytes: number;
}

export const DEMO_DUCKDB_FILE = "demo.duckdb";

export async function pullDemo(options: DemoPullOptions): Promise<DemoPullResult> {
  const started = performance.now();
  const out = resolve(options.out);
  const pageSize = options.pageSize ?? 25;
  const retries = { count: 0, waitMs: 0, byStatus: {} as Record<string, number> };
  const rateLimitWaits = { count: 0, waitMs: 0 };
  const hooks: Hooks = {
    onRetry(event: RetryEvent) {
      retries.count += 1;
      retries.waitMs += event.waitMs;
      const key = event.status === undefined ? "network" : String(event.status);
      retries.byStatus[key] = (retries.byStatus[key] ?? 0) + 1;
    },
    onRateLimit(event: RateLimitEvent) {
      rateLimitWaits.count += 1;
      rateLimitWaits.waitMs += event.waitMs;
    },
  };
  // One client per resource, as separate jobs would have: a client holds all its requests while the
  // server's window is spent, so one shared client would meet the resources' 429s one after another.
  const clients = DEMO_CATALOG.map(
    () =>
      new Apikit({
        baseUrl: options.url,
        // Short waits: the demo's Retry-After is 1 s and its 503s clear on the next attempt.
        retry: { maxRetries: 5, initialDelayMs: 50, maxDelayMs: 250, maxRetryAfterMs: 5_000 },
        ...(options.logger ? { logger: options.logger } : {}),
        hooks,
      }),
  );
  const duckdbPath = join(out, DEMO_DUCKDB_FILE);
  // The tables share one file, so they are written one at a time, each as soon as its Parquet is done.
  let duckdbTurn: Promise<unknown> = Promise.resolve();
  const pullOne = async (info: DemoResourceInfo, client: Apikit): Promise<PulledResource> => {
    const parquetPath = join(out, `${info.name}.parquet`);
    const parquet = await pullResource(client, info, "parquet", parquetPath, pageSize);
    const table = duckdbTurn.then(() => pullResource(client, info, "duckdb", duckdbPath, pageSize));
    duckdbTurn = table.catch(() => undefined);
    return {
      name: info.name,
      style: info.style,
      records: parquet.records,
      pages: parquet.pages,
      parquet: { path: parquetPath, bytes: parquet.bytes },
      duckdbRecords: (await table).records,
    };
  };
  try {
    await mkdir(out, { recursive: true });
    const settled = await Promise.allSettled(DEMO_CATALOG.map((info, i) => pullOne(info, clients[i]!)));
    const failed = settled.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    const resources = settled.map((s) => (s as PromiseFulfilledResult<PulledResource>).value);
    return {
      resources,
      duckdb: {
        path: duckdbPath,
        bytes: (await stat(duckdbPath)).size,
        tables: resources.map((r) => r.name),
      },
      retries,
      rateLimitWaits,
      elapsedMs: performance.now() - started,
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

function pullResource(
  client: Apikit,
  info: DemoResourceInfo,
  format: "parquet" | "duckdb",
  filePath: string,
  pageSize: number,
): Promise<Written> {
  const table = { table: info.name, mode: "replace" as const };
  if (info.pagination)
    return client.fetchToFile(info.path, { ...info.pagination, pageSize, filePath, format, ...table });
  return client.graphqlToFile(info.path, DEMO_REVIEWS_QUERY, {
    connectionPath: "reviews",
    pageSize,
    filePath,
    format,
    ...table,
  });
}
