// The writer contract: every format takes pages (or plain records) as they arrive and writes them
// to a path or a Node Writable without holding the whole pull in memory.
import type { Writable } from "node:stream";
import type { WriteOptions } from "./options.js";

export const FORMATS = ["parquet", "ndjson", "jsonl", "csv", "arrow", "json", "duckdb"] as const;
export type Format = (typeof FORMATS)[number];

/** Plain records, or pages/batches of them as they arrive. */
export type RecordSource =
  | Iterable<unknown>
  | AsyncIterable<{ records: readonly unknown[] } | readonly unknown[]>;

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
