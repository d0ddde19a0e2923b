// In-memory tables: records → apache-arrow Table and → nodejs-polars DataFrame. Both flatten by
// default and type every column from all records (not a sample), so a column that first appears late
// is there and a type that widens late is widened. Polars gets the Arrow table through IPC, so both
// share one typing, and integers beyond 2^53 arrive exact as Int64.
import { flattenRecord, SchemaBuilder, toJson } from "../flatten/index.js";
import { arrowBatch, arrowSchema } from "./arrow.js";
import { loadArrow, loadPolars } from "./backends.js";
import { DEFAULT_ROWS_PER_GROUP } from "./parquet.js";

type Arrow = Awaited<ReturnType<typeof loadArrow>>;
type Polars = Awaited<ReturnType<typeof loadPolars>>;
export type ArrowTable = InstanceType<Arrow["Table"]>;
export type PolarsDataFrame = ReturnType<Polars["DataFrame"]>;

export interface FrameOptions {
  /** Flatten nested objects into a__b columns (default true). With false, polars keeps structs. */
  flatten?: boolean;
  /** Flattening separator. Default "__". */
  sep?: string;
}

/** Flattened records as an Arrow Table with a schema unified over every record. */
export async function recordsToArrow(
  records: Iterable<unknown>,
  options: FrameOptions = {},
): Promise<ArrowTable> {
  const arrow = await loadArrow("recordsToArrow");
  const sep = options.sep ?? "__";
  const schemaBuilder = new SchemaBuilder();
  const rows: Array<Record<string, unknown>> = [];
  for (const record of records) {
    const flat = flattenRecord(record, { sep });
    schemaBuilder.add(flat);
    rows.push(flat);
  }
  const columns = schemaBuilder.columns;
  const schema = arrowSchema(arrow, columns);
  const batches = [];
  for (let start = 0; start < rows.length; start += DEFAULT_ROWS_PER_GROUP) {
    batches.push(arrowBatch(arrow, schema, columns, rows.slice(start, start + DEFAULT_ROWS_PER_GROUP)));
  }
  return batches.length > 0 ? new arrow.Table(batches) : new arrow.Table(schema);
}

/** Records as a polars DataFrame: flattened (default) or with nested objects kept as structs. */
export async function recordsToPolars(
  records: Iterable<unknown>,
  options: FrameOptions = {},
): Promise<PolarsDataFrame> {
  const pl = await loadPolars("recordsToPolars");
  if (options.flatten === false) {
    let text = "";
    let count = 0;
    for (const record of records) {
      text += `${toJson(record)}\n`;
      count += 1;
    }
    if (count === 0) return pl.DataFrame();
    // Every line takes part in the type inference, so a late column or a widened type is not missed.
    return pl.readJSON(Buffer.from(text), { format: "lines", inferSchemaLength: null });
  }
  const arrow = await loadArrow("recordsToPolars");
  const table = await recordsToArrow(records, options);
  return pl.readIPC(Buffer.from(arrow.tableToIPC(table, "file")));
}
