export {
  Cluster,
  type ClusterOptions,
  type PullState,
  type PullStatus,
  type WaitOptions,
} from "./cluster.js";
export { MANIFEST_FILE, type Manifest } from "./manifest.js";
export { type Partition, partitions } from "./planner.js";
export { DEFAULT_REDIS_URL, redactRedisUrl, redisUrl } from "./redis.js";
export { loadSpec, type PullSpec, type PullSpecInput, PullSpecSchema, parseSpec, pullId } from "./spec.js";
export type { PartitionDone, PartitionFailure } from "./store.js";
export { type ClusterWorker, startWorker, type WorkerOptions } from "./worker.js";
