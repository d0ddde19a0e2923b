export {
  Apikit,
  type ApiResponse,
  type CollectedRecords,
  type FetchManyOptions,
  type FetchManyResult,
  type FetchManySpec,
  type FetchOptions,
  type GraphQLOptions,
  type InspectOptions,
  type ListingPage,
  type RecordStream,
  type RequestOptions,
} from "./apikit.js";
export { type DryRunInfo, DryRunResult } from "./dry-run.js";
export type { FromNameOptions } from "./from-name.js";
export { compare as compareMarks, type IncrementalOptions, IncrementalState } from "./incremental.js";
export type { ApikitOptions } from "./options.js";
export type { InvalidRecord, OnInvalid, RecordOptions } from "./record-ops.js";
export type { FileOutputOptions, FileOutputResult } from "./to-file.js";
export { buildUrl, type Params, type ParamValue } from "./url.js";
