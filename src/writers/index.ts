// Output writers, one per format, and the in-memory conversions.
export { batchesOf } from "./batches.js";
export { csvField } from "./csv.js";
export { siblingPath } from "./destination.js";
export { mergeDatabase, moveDatabase, removeDatabase } from "./duckdb.js";
export { formatFromPath, getWriter, isFormat } from "./formats.js";
export { showFrame } from "./frame-display.js";
export {
  type ArrowTable,
  inferPolarsSchema,
  type PagesToFrameOptions,
  type PolarsDataFrame,
  type PolarsDataType,
  pagesToArrow,
  pagesToPolars,
  recordsToArrow,
  recordsToPolars,
} from "./frames.js";
export { harmonizeParquet, type ParquetPart } from "./harmonize.js";
export { type FrameOptions, FrameOptionsSchema, type WriteOptions, WriteOptionsSchema } from "./options.js";
export {
  FORMATS,
  type Format,
  type RecordSource,
  type WriteResult,
  type Writer,
} from "./types.js";
