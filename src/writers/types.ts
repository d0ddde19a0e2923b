// The writer contract: every format takes pages (or plain records) as they arrive and writes them
// to a path or a Node Writable without holding the whole pull in memory.
import type { Writable } from "node:stream";

export const FORMATS = ["parquet", "ndjson", "jsonl", "csv", "arrow", "json", "duckdb"] as const;
export type Format = (typeof FORMATS)[number];

/** Plain records, or pages/batches of them as they arrive. */
export type RecordSource =
  | Iterable<unknown>
  | AsyncIterable<{ records: readonly unknown[] } | readonly unknown[]>;

export interface WriteOptions {
  /** DuckDB: the table to write. Default "data". */
  table?: string;
  /** DuckDB: replace the table or append to it. Default "replace". */
  mode?: "replace" | "append";
  /** Tabular formats: flattening separator. Default "__". */
  sep?: string;
  /** Rows per Parquet row group (default 65 536) / Arrow record batch (default 16 384). */
  rowsPerGroup?: number;
}

export interface WriteResult {
  records: number;
  bytes: number;
}

export interface Writer {
  readonly format: Format;
  /** true for formats that keep nesting (ndjson, jsonl, json); false for flattened tables. */
  readonly nested: boolean;
  write(source: RecordSource, destination: string | Writable, options?: WriteOptions): Promise<WriteResult>;
}
