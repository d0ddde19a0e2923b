// The options of writers and frames as zod schemas: the file output and DataFrame methods of the
// facade extend them with their own fields, so each option is declared (and documented) once.
import { z } from "zod";

export const WriteOptionsSchema = z.strictObject({
  /** DuckDB: the table to write. Default "data". */
  table: z.string().min(1).optional(),
  /** DuckDB: replace the table or append to it. Default "replace". */
  mode: z.enum(["replace", "append"]).optional(),
  /** Tabular formats: flattening separator. Default "__". */
  sep: z.string().optional(),
  /** Rows per Parquet row group (default 65 536) / Arrow record batch (default 16 384). */
  rowsPerGroup: z.int().positive().optional(),
});
export type WriteOptions = z.input<typeof WriteOptionsSchema>;

export const FrameOptionsSchema = z.strictObject({
  /** Flatten nested objects into a__b columns (default true). With false, polars keeps structs. */
  flatten: z.boolean().optional(),
  /** Flattening separator. Default "__". */
  sep: z.string().optional(),
});
export type FrameOptions = z.input<typeof FrameOptionsSchema>;
