// What the cluster keeps in Redis for a pull, besides BullMQ's jobs: the spec (no secrets in it), the
// partitions done (with what each wrote), failed (with the error) and running, and each partition's
// page checkpoint, written only by the worker that holds the partition's BullMQ lock.
import type { Redis } from "ioredis";
import { ClusterError } from "../errors.js";
import {
  type CheckpointState,
  type CheckpointStore,
  checkpointText,
  parseCheckpoint,
} from "../facade/index.js";
import { parseJson } from "../http/index.js";
import { pullKeys } from "./redis.js";
import { type PullSpec, parseSpec } from "./spec.js";

export interface PullRecord {
  id: string;
  spec: PullSpec;
  specHash: string;
  total: number;
  createdAt: string;
  completedAt?: string | undefined;
  retries: number;
}

/** What one partition wrote. */
export interface PartitionDone {
  key: string;
  records: number;
  pages: number;
  bytes: number;
  /** Relative to the output dir. */
  file: string;
  sha256: string;
  truncated: boolean;
}

export interface PartitionFailure {
  partition: string;
  error: { name: string; code: string; message: string; status?: number | undefined };
}

export async function loadPull(redis: Redis, id: string): Promise<PullRecord> {
  const fields = await redis.hgetall(pullKeys(id).pull);
  if (!fields.spec) throw new ClusterError(`No pull with id "${id}" in this Redis (submit its spec first)`);
  return {
    id,
    spec: parseSpec(parseJson(fields.spec), `the spec of pull ${id}`),
    specHash: fields.specHash ?? "",
    total: Number(fields.total),
    createdAt: fields.createdAt ?? "",
    completedAt: fields.completedAt,
    retries: Number(fields.retries ?? 0),
  };
}

export async function doneEntries(redis: Redis, id: string): Promise<PartitionDone[]> {
  const all = await redis.hgetall(pullKeys(id).done);
  return Object.values(all).map((text) => parseJson(text) as PartitionDone);
}

export async function failures(redis: Redis, id: string): Promise<PartitionFailure[]> {
  const all = await redis.hgetall(pullKeys(id).failed);
  return Object.entries(all).map(([partition, text]) => ({
    partition,
    error: parseJson(text) as PartitionFailure["error"],
  }));
}

// Writes the checkpoint only while this worker's lock on the job is the one BullMQ holds.
const FENCED_SET = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[2])
  return 1
end
return 0
`;

type Fenced = Redis & {
  apikitFencedSet(lock: string, key: string, token: string, value: string): Promise<number>;
};

/** A partition's page checkpoint in Redis, fenced by the BullMQ job lock of the worker writing it. */
export class RedisCheckpointStore implements CheckpointStore {
  readonly where: string;
  readonly #redis: Fenced;
  readonly #key: string;
  readonly #lockKey: string;
  readonly #token: string;

  constructor(redis: Redis, pull: string, partition: string, lock: { key: string; token: string }) {
    if (!("apikitFencedSet" in redis))
      redis.defineCommand("apikitFencedSet", { numberOfKeys: 2, lua: FENCED_SET });
    this.#redis = redis as Fenced;
    this.#key = pullKeys(pull).checkpoint(partition);
    this.where = `redis key ${this.#key}`;
    this.#lockKey = lock.key;
    this.#token = lock.token;
  }

  async read(): Promise<CheckpointState | undefined> {
    const text = await this.#redis.get(this.#key);
    return text === null ? undefined : parseCheckpoint(text, this.where);
  }

  async write(state: CheckpointState): Promise<void> {
    const written = await this.#redis.apikitFencedSet(
      this.#lockKey,
      this.#key,
      this.#token,
      checkpointText(state),
    );
    if (written !== 1) {
      throw new ClusterError(
        `This worker lost its lock on the partition (${this.where}); another worker has taken it over, so this one stops`,
      );
    }
  }

  async remove(): Promise<void> {
    await this.#redis.del(this.#key);
  }
}
