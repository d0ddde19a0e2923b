// A cluster worker: a BullMQ Worker on the partition queue. Each partition is one fetchToFile with its
// page checkpoint in Redis (so a partition whose worker died resumes where it stopped, on whichever
// worker BullMQ's stalled-job check hands it to), its requests through the Redis rate budget, and its
// file at <dir>/partition=<key>/part-0.<ext>. The last partition's completion releases the manifest
// job (a BullMQ flow's parent), which writes _manifest.json.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join, relative } from "node:path";
import type { Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import { defaultLogger, type Logger } from "../base/index.js";
import { ApiConfig, parseOptions } from "../config/index.js";
import { ApikitError, ClusterError, ConfigError, HttpError, OutputError } from "../errors.js";
import {
  Apikit,
  type ApikitOptions,
  FetchOptionsSchema,
  FLAT_AUTH_FIELDS,
  resolveNamed,
} from "../facade/index.js";
import { toJson } from "../flatten/index.js";
import { parseJson } from "../http/index.js";
import { harmonizeParquet } from "../writers/index.js";
import { buildManifest, sha256File, writeManifest } from "./manifest.js";
import { type Partition, partitions } from "./planner.js";
import { credentialId, RedisRateBudget } from "./rate-budget.js";
import { BULL_PREFIX, connect, pullKeys, QUEUE_NAME, redisUrl } from "./redis.js";
import { resolveEnvRefs } from "./spec.js";
import {
  doneEntries,
  loadPull,
  type PartitionDone,
  type PartitionFailure,
  type PullRecord,
  RedisCheckpointStore,
} from "./store.js";

const WorkerConfig = z.strictObject({
  /** Default: $APIKIT_REDIS_URL, else redis://127.0.0.1:6379. */
  redis: z.string().min(1).optional(),
  /** Partitions this worker pulls at once. Default 2. */
  concurrency: z.int().min(1).optional(),
  logger: z
    .custom<Logger>((v) => typeof v === "object" && v !== null, { error: "must be a Logger" })
    .optional(),
  /** Where `{ "env": "NAME" }` values and connector secrets are read. Default: process.env. */
  env: z
    .custom<NodeJS.ProcessEnv>((v) => typeof v === "object" && v !== null, { error: "must be an object" })
    .optional(),
  /**
   * How long a partition stays with a worker that stopped answering (killed, frozen) before BullMQ's
   * stalled-job check gives it to another. Default 30 000 ms.
   */
  lockDurationMs: z.number().positive().optional(),
  /** How often this worker looks for stalled partitions. Default: lockDurationMs. */
  stalledIntervalMs: z.number().positive().optional(),
  /** Times a partition may be recovered from a dead worker before it counts as failed. Default 5. */
  maxStalledCount: z.int().min(0).optional(),
});
export type WorkerOptions = z.input<typeof WorkerConfig>;

export interface ClusterWorker {
  readonly id: string;
  /** Stops taking partitions; the current ones save their checkpoint after the page in flight and go back to the queue. */
  close(): Promise<void>;
}

interface JobData {
  pull: string;
  key?: string;
}

/** Keys of per-call options (params, dataPath, maxPages, ...); everything else in a source is a client option. */
const CLIENT_KEYS = new Set([...Object.keys(ApiConfig.shape), ...FLAT_AUTH_FIELDS, "maxRetries"]);
const CALL_KEYS = new Set(Object.keys(FetchOptionsSchema.shape).filter((key) => !CLIENT_KEYS.has(key)));
const NOT_IN_A_SPEC = new Set(["signal", "dryRun", "incremental", "paginator"]);

export async function startWorker(options: WorkerOptions = {}): Promise<ClusterWorker> {
  parseOptions(WorkerConfig, options, "startWorker");
  const url = redisUrl(options.redis, options.env ?? process.env);
  const logger = options.logger ?? defaultLogger();
  const env = options.env ?? process.env;
  const concurrency = options.concurrency ?? 2;
  const lockDuration = options.lockDurationMs ?? 30_000;
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const redis = await connect(url, { persistent: true });
  const { Worker, DelayedError, UnrecoverableError } = await import("bullmq");
  const stop = new AbortController();
  const clients = new Map<string, Promise<OpenPull>>();

  const pullClient = (pullId: string) => {
    let entry = clients.get(pullId);
    if (!entry) {
      entry = openPull(redis, pullId, { env, logger, concurrency });
      clients.set(pullId, entry);
      entry.catch(() => clients.delete(pullId));
    }
    return entry;
  };

  const processPartition = async (job: Job<JobData>, token: string | undefined): Promise<PartitionDone> => {
    const { pull: pullId, key = "" } = job.data;
    const keys = pullKeys(pullId);
    const { client, call, record, parts } = await pullClient(pullId);
    const already = await redis.hget(keys.done, key);
    if (already) {
      const done = parseJson(already) as PartitionDone;
      if (existsSync(join(record.spec.output.dir, done.file))) return done;
    }
    const part = parts.get(key);
    if (!part) throw new ClusterError(`Pull ${pullId} has no partition "${key}"`);
    await redis.hset(keys.running, key, id);
    const { dir, format } = record.spec.output;
    const file = join(dir, `partition=${key}`, `part-0.${format}`);
    const store = new RedisCheckpointStore(redis, pullId, key, {
      key: `${BULL_PREFIX}:${QUEUE_NAME}:${job.id}:lock`,
      token: token ?? "",
    });
    const params = { ...(call.params as Record<string, string> | undefined), ...part.params };
    const result = await client.fetchToFile(part.path, {
      ...call,
      params,
      filePath: file,
      format,
      checkpoint: store,
      signal: stop.signal,
    });
    const done: PartitionDone = {
      key,
      records: result.records,
      pages: result.pages,
      bytes: result.bytes,
      file: relative(dir, result.path),
      sha256: await sha256File(result.path),
      truncated: result.truncated,
    };
    await redis
      .multi()
      .hset(keys.done, key, toJson(done))
      .hdel(keys.running, key)
      .hdel(keys.failed, key)
      .exec();
    logger.info(`partition ${key} of ${pullId}: ${done.records} records in ${done.pages} pages`);
    return done;
  };

  const processManifest = async (pullId: string): Promise<string> => {
    const record = await loadPull(redis, pullId);
    const done = await doneEntries(redis, pullId);
    if (done.length < record.total) {
      throw new ClusterError(
        `Pull ${pullId}: ${done.length} of ${record.total} partitions are done; no manifest yet`,
      );
    }
    const dir = record.spec.output.dir;
    if (record.spec.output.format === "parquet") {
      // One schema for all partitions, so the dataset reads as one table; rewritten files get new hashes.
      const rewritten = new Set(
        await harmonizeParquet(
          done.map((d) => ({ path: join(dir, d.file), rows: d.records })),
          // The separator the partitions were flattened with, for the parents none of them filled.
          typeof record.spec.source.sep === "string" ? { sep: record.spec.source.sep } : {},
        ),
      );
      for (const entry of done) {
        const path = join(dir, entry.file);
        const { size } = await stat(path);
        // A size that changed means a rewrite whose new hash a crash kept from Redis.
        if (!rewritten.has(path) && size === entry.bytes) continue;
        entry.bytes = size;
        entry.sha256 = await sha256File(path);
        await redis.hset(pullKeys(pullId).done, entry.key, toJson(entry));
      }
    }
    const completedAt = new Date().toISOString();
    const path = await writeManifest(dir, buildManifest(record, done, completedAt));
    await redis.hset(pullKeys(pullId).pull, "completedAt", completedAt);
    logger.info(`pull ${pullId} complete: ${path}`);
    return path;
  };

  const worker: Worker<JobData> = new Worker<JobData>(
    QUEUE_NAME,
    async (job, token) => {
      if (job.name === "manifest") return processManifest(job.data.pull);
      const key = job.data.key ?? "";
      const keys = pullKeys(job.data.pull);
      try {
        return await processPartition(job, token);
      } catch (error) {
        await redis.hdel(keys.running, key).catch(() => 0);
        if (stop.signal.aborted && token) {
          // Shutting down: the partition goes back to the queue (its checkpoint kept), not counted as a try.
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError();
        }
        const retryable = isRetryable(error);
        const last = !retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (last) await redis.hset(keys.failed, key, toJson(failureOf(error)));
        else await redis.hincrby(keys.pull, "retries", 1);
        logger.warn(
          `partition ${key} of ${job.data.pull} failed${last ? "" : " (will retry)"}: ${(error as Error).message}`,
        );
        if (!retryable) throw new UnrecoverableError((error as Error).message);
        throw error;
      }
    },
    {
      connection: redis,
      prefix: BULL_PREFIX,
      concurrency,
      lockDuration,
      stalledInterval: options.stalledIntervalMs ?? lockDuration,
      maxStalledCount: options.maxStalledCount ?? 5,
      name: id,
    },
  );
  worker.on("failed", (job, error) => {
    // A partition that kept killing its workers is failed by BullMQ's stalled check, not by us.
    if (job?.name === "partition" && /stalled more than allowable limit/.test(error.message)) {
      const failure: PartitionFailure["error"] = {
        name: "ClusterError",
        code: "CLUSTER_ERROR",
        message: `the partition's worker died ${options.maxStalledCount ?? 5} times (${error.message})`,
      };
      redis.hset(pullKeys(job.data.pull).failed, job.data.key ?? "", toJson(failure)).catch(() => 0);
    }
  });
  worker.on("error", (error) => logger.error(`cluster worker: ${error.message}`));
  await worker.waitUntilReady();
  logger.info(`cluster worker ${id} on ${QUEUE_NAME} (concurrency ${concurrency})`);

  let closing: Promise<void> | undefined;
  return {
    id,
    close() {
      closing ??= (async () => {
        stop.abort(new ApikitError("the worker is shutting down"));
        await worker.close();
        for (const entry of clients.values()) {
          const opened = await entry.catch(() => undefined);
          await opened?.client.close();
        }
        redis.disconnect();
      })();
      return closing;
    },
  };
}

/** A client for one pull on this worker: its secrets from this worker's environment, its requests through the shared budget. */
interface OpenPull {
  client: Apikit;
  /** The per-call options of the source. */
  call: Record<string, unknown>;
  record: PullRecord;
  /** The pull's partitions by key, planned once per worker rather than once per partition. */
  parts: Map<string, Partition>;
}

async function openPull(
  redis: Redis,
  pullId: string,
  context: { env: NodeJS.ProcessEnv; logger: Logger; concurrency: number },
): Promise<OpenPull> {
  const record = await loadPull(redis, pullId);
  const {
    path: _path,
    connector,
    options: connectorOptions,
    ...rest
  } = resolveEnvRefs(record.spec.source, context.env) as Record<string, unknown> & {
    connector?: string;
    options?: Record<string, string>;
  };
  const clientPart: Record<string, unknown> = {};
  const call: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (NOT_IN_A_SPEC.has(key)) throw new ConfigError(`source.${key} cannot be used in a cluster pull`);
    if (CALL_KEYS.has(key)) call[key] = value;
    else clientPart[key] = value;
  }
  const base: ApikitOptions = connector
    ? await resolveNamed(connector, {
        ...(clientPart as Partial<ApikitOptions>),
        ...(connectorOptions ? { options: connectorOptions } : {}),
        env: context.env,
        logger: context.logger,
      })
    : ({ ...clientPart, env: context.env } as ApikitOptions);
  const secretParts = [
    base.baseUrl,
    base.auth,
    base.token,
    base.apiKey,
    base.username,
    base.password,
    base.clientId,
    base.clientSecret,
    base.headers,
  ];
  const rateGate = new RedisRateBudget(redis, {
    credential: credentialId(secretParts),
    requestsPerSecond: record.spec.rateLimit?.requestsPerSecond,
    burst: record.spec.rateLimit?.burst,
    logger: context.logger,
  });
  const client = new Apikit({
    ...base,
    logger: context.logger,
    concurrency: base.concurrency ?? Math.max(4, context.concurrency),
    rateGate,
    hooks: {
      onRetry: () => {
        redis.hincrby(pullKeys(pullId).pull, "retries", 1).catch(() => 0);
      },
    },
  });
  return { client, call, record, parts: new Map(partitions(record.spec).map((p) => [p.key, p])) };
}

/** Worth another run: transient trouble (network, 5xx, 429, a lost lock); not a mistake in the spec or a 4xx. */
function isRetryable(error: unknown): boolean {
  if (error instanceof ConfigError || error instanceof OutputError) return false;
  if (error instanceof HttpError && error.status !== undefined) {
    return error.status === 408 || error.status === 429 || error.status >= 500;
  }
  return true;
}

function failureOf(error: unknown): PartitionFailure["error"] {
  if (error instanceof ApikitError) {
    return { name: error.name, code: error.code, message: error.message, status: error.status };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, code: "APIKIT_ERROR", message: e.message };
}
