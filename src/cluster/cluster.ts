// The cluster's front: submit a pull spec (its partitions become a BullMQ flow whose parent writes the
// manifest), read its status, wait for it, and re-run its failed partitions. Workers (worker.ts) do the
// pulling; this side only talks to Redis.
import { setTimeout as delay } from "node:timers/promises";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Logger } from "../base/index.js";
import { parseOptions } from "../config/index.js";
import { ClusterError } from "../errors.js";
import { toJson } from "../flatten/index.js";
import { partitions } from "./planner.js";
import {
  BULL_PREFIX,
  connect,
  manifestJobId,
  partitionJobId,
  pullKeys,
  QUEUE_NAME,
  redisUrl,
} from "./redis.js";
import { type PullSpec, type PullSpecInput, parseSpec, pullId, specHash } from "./spec.js";
import { doneEntries, failures, loadPull, type PartitionFailure } from "./store.js";

export type PullState = "waiting" | "running" | "complete" | "failed";

export interface PullStatus {
  id: string;
  name: string;
  state: PullState;
  partitions: { total: number; waiting: number; running: number; done: number; failed: number };
  /** Records written by the partitions done so far. */
  records: number;
  /** HTTP retries and partition re-runs, over all workers. */
  retries: number;
  failures: PartitionFailure[];
  /** The dataset's directory, and its manifest once complete. */
  output: { dir: string; format: string; manifest?: string | undefined };
}

const ClusterConfig = z.strictObject({
  /** Default: $APIKIT_REDIS_URL, else redis://127.0.0.1:6379. */
  redis: z.string().min(1).optional(),
  logger: z
    .custom<Logger>((v) => typeof v === "object" && v !== null, { error: "must be a Logger" })
    .optional(),
});
export type ClusterOptions = z.input<typeof ClusterConfig>;

export interface WaitOptions {
  /** How often status is read. Default 500 ms. */
  intervalMs?: number;
  /** Called with each status read. */
  onStatus?: (status: PullStatus) => void;
  signal?: AbortSignal;
}

export class Cluster implements AsyncDisposable {
  readonly #url: string;
  #redis: Promise<Redis> | undefined;
  #queue: Promise<Queue> | undefined;

  constructor(options: ClusterOptions = {}) {
    this.#url = redisUrl(parseOptions(ClusterConfig, options, "Cluster").redis);
  }

  #connection(): Promise<Redis> {
    this.#redis ??= connect(this.#url, { persistent: false });
    this.#redis.catch(() => {
      this.#redis = undefined;
    });
    return this.#redis;
  }

  #jobs(): Promise<Queue> {
    this.#queue ??= (async () => {
      const { Queue } = await import("bullmq");
      return new Queue(QUEUE_NAME, { connection: await this.#connection(), prefix: BULL_PREFIX });
    })();
    return this.#queue;
  }

  /**
   * Queues the spec's partitions and returns the pull id (`<name>-<hash>`). The same spec again returns
   * the same id and queues nothing new: its partitions already exist (use retry() for failed ones).
   */
  async submit(input: PullSpecInput | PullSpec): Promise<string> {
    const spec = parseSpec(input);
    const id = pullId(spec);
    const parts = partitions(spec);
    const redis = await this.#connection();
    const keys = pullKeys(id);
    const created = await redis.hsetnx(keys.pull, "spec", toJson(spec));
    if (created === 1) {
      await redis.hset(keys.pull, {
        name: spec.name,
        specHash: specHash(spec),
        total: String(parts.length),
        createdAt: new Date().toISOString(),
        retries: "0",
      });
    }
    const queue = await this.#jobs();
    // Queued unless already there: a submit that died between saving the spec and queueing is finished here.
    if (!(await queue.getJob(manifestJobId(id)))) {
      const { FlowProducer } = await import("bullmq");
      const flows = new FlowProducer({ connection: redis, prefix: BULL_PREFIX });
      try {
        await flows.add({
          name: "manifest",
          queueName: QUEUE_NAME,
          data: { pull: id },
          opts: { jobId: manifestJobId(id), attempts: 5, backoff: { type: "exponential", delay: 1_000 } },
          children: parts.map((p) => ({
            name: "partition",
            queueName: QUEUE_NAME,
            data: { pull: id, key: p.key },
            opts: {
              jobId: partitionJobId(id, p.key),
              attempts: spec.attempts,
              backoff: { type: "exponential", delay: 1_000 },
            },
          })),
        });
      } finally {
        await flows.close();
      }
    }
    return id;
  }

  async status(id: string): Promise<PullStatus> {
    const redis = await this.#connection();
    const record = await loadPull(redis, id);
    const keys = pullKeys(id);
    const [done, running, failed] = await Promise.all([
      doneEntries(redis, id),
      redis.hlen(keys.running),
      failures(redis, id),
    ]);
    const total = record.total;
    const settled = done.length + failed.length;
    const state: PullState = record.completedAt
      ? "complete"
      : failed.length > 0 && settled >= total
        ? "failed"
        : settled + running === 0
          ? "waiting"
          : "running";
    return {
      id,
      name: record.spec.name,
      state,
      partitions: {
        total,
        waiting: Math.max(0, total - settled - running),
        running,
        done: done.length,
        failed: failed.length,
      },
      records: done.reduce((n, d) => n + d.records, 0),
      retries: record.retries,
      failures: failed,
      output: {
        dir: record.spec.output.dir,
        format: record.spec.output.format,
        ...(record.completedAt ? { manifest: `${record.spec.output.dir}/_manifest.json` } : {}),
      },
    };
  }

  /** Resolves with the final status once the pull is complete or failed. */
  async wait(id: string, options: WaitOptions = {}): Promise<PullStatus> {
    const interval = options.intervalMs ?? 500;
    for (;;) {
      const status = await this.status(id);
      options.onStatus?.(status);
      if (status.state === "complete" || status.state === "failed") return status;
      await delay(interval, undefined, options.signal ? { signal: options.signal } : {});
    }
  }

  /** Puts the failed partitions back in the queue (and only those); returns how many. */
  async retry(id: string): Promise<number> {
    const redis = await this.#connection();
    await loadPull(redis, id);
    const queue = await this.#jobs();
    const failed = await failures(redis, id);
    let retried = 0;
    for (const { partition } of failed) {
      const job = await queue.getJob(partitionJobId(id, partition));
      if (!job)
        throw new ClusterError(`Pull ${id}: the job of partition "${partition}" is gone from the queue`);
      await redis.hdel(pullKeys(id).failed, partition);
      if (await job.isFailed()) {
        await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
        retried++;
      }
    }
    return retried;
  }

  async close(): Promise<void> {
    const queue = await this.#queue?.catch(() => undefined);
    await queue?.close();
    const redis = await this.#redis?.catch(() => undefined);
    redis?.disconnect();
    this.#queue = undefined;
    this.#redis = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
