// Redis for the cluster: the URL (option → $APIKIT_REDIS_URL → redis://127.0.0.1:6379), connections
// made lazily (importing apikit does not load ioredis or BullMQ), errors that name the server with its
// password hidden, and the names of apikit's own keys beside BullMQ's.
import type { Redis } from "ioredis";
import { ClusterError } from "../errors.js";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
/** The BullMQ queue every pull's partitions go through. */
export const QUEUE_NAME = "apikit-partitions";
/** BullMQ's key prefix (its default), so its own tools find the queue. */
export const BULL_PREFIX = "bull";

export function redisUrl(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? (env.APIKIT_REDIS_URL || DEFAULT_REDIS_URL);
}

/** The URL as messages show it: any password replaced. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(not a valid redis:// URL)";
  }
}

export interface ConnectOptions {
  /** Workers wait for Redis to come back (null); the CLI's commands give up after a few tries. */
  persistent: boolean;
}

/** A connected client; fails with ClusterError naming the server when it cannot reach it. */
export async function connect(url: string, options: ConnectOptions): Promise<Redis> {
  if (!/^rediss?:\/\//i.test(url)) {
    throw new ClusterError(`The Redis URL must start with redis:// or rediss://: got ${redactRedisUrl(url)}`);
  }
  const { Redis } = await import("ioredis");
  let lastError: Error | undefined;
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: options.persistent ? null : 2,
    connectTimeout: 5_000,
    retryStrategy: options.persistent
      ? (times) => Math.min(times * 200, 5_000)
      : (times) => (times > 2 ? null : 200),
  });
  client.on("error", (error: Error) => {
    lastError = error;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    const why = (lastError ?? (error as Error)).message;
    throw new ClusterError(
      `Cannot reach Redis at ${redactRedisUrl(url)}: ${why}. Start redis-server, or pass --redis URL / set APIKIT_REDIS_URL.`,
      { cause: error },
    );
  }
  return client;
}

/** apikit's own keys for one pull (BullMQ keeps the jobs under its prefix). */
export function pullKeys(id: string) {
  const base = `apikit:pull:${id}`;
  return {
    /** Hash: spec, specHash, name, total, createdAt, completedAt, retries. */
    pull: base,
    /** Hash: partition key → JSON of what it wrote. */
    done: `${base}:done`,
    /** Hash: partition key → JSON of its error. */
    failed: `${base}:failed`,
    /** Hash: partition key → worker id. */
    running: `${base}:running`,
    checkpoint: (key: string) => `${base}:checkpoint:${key}`,
  };
}

/** A partition's BullMQ job id (no ":", which BullMQ reserves). */
export function partitionJobId(id: string, key: string): string {
  return `${id}.p.${key}`;
}

export function manifestJobId(id: string): string {
  return `${id}.manifest`;
}
