export { Apikit } from "./apikit.js";
export type {
  CollectedRecords,
  FetchManyOptions,
  FetchOptions,
  GraphQLOptions,
  InspectOptions,
  RequestOptions,
} from "./call-options.js";
export { FetchOptionsSchema } from "./call-options.js";
export {
  type CheckpointState,
  type CheckpointStore,
  checkpointText,
  FileCheckpointStore,
  parseCheckpoint,
} from "./checkpoint.js";
export { type DryRunInfo, DryRunResult } from "./dry-run.js";
export type { FetchManyResult, FetchManySpec } from "./fetch-many.js";
export type { FromNameOptions } from "./from-name.js";
export { resolveNamed } from "./from-name.js";
export { compare as compareMarks, type IncrementalOptions, IncrementalState } from "./incremental.js";
export { type ApikitOptions, FLAT_AUTH_FIELDS } from "./options.js";
export { ProgressBar, type ProgressCounts, type ProgressStream } from "./progress.js";
export type { ListingPage } from "./pull.js";
export type { InvalidRecord, OnInvalid, RecordOptions } from "./record-ops.js";
export type { ApiResponse } from "./requests.js";
export type { RecordStream } from "./sinks.js";
export type { FileOutputOptions, FileOutputResult } from "./to-file.js";
export { buildUrl, type Params, type ParamValue } from "./url.js";
