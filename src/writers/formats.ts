// Which writer a format name asks for, and which format a file name implies: the one place that
// maps names and extensions onto the writers.
import { OutputError } from "../errors.js";
import { ArrowWriter } from "./arrow.js";
import { CsvWriter } from "./csv.js";
import { DuckDbWriter } from "./duckdb.js";
import { JsonArrayWriter } from "./json.js";
import { JsonLinesWriter } from "./json-lines.js";
import { ParquetWriter } from "./parquet.js";
import { FORMATS, type Format, type Writer } from "./types.js";

const EXTENSIONS: Record<string, Format> = {
  parquet: "parquet",
  pq: "parquet",
  ndjson: "ndjson",
  jsonl: "jsonl",
  csv: "csv",
  arrow: "arrow",
  feather: "arrow",
  ipc: "arrow",
  json: "json",
  duckdb: "duckdb",
  db: "duckdb",
};

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

/** The writer for a format name (case-insensitive). */
export function getWriter(format: string): Writer {
  const name = String(format).trim().toLowerCase();
  if (!isFormat(name)) {
    throw new OutputError(`Unknown output format "${format}". Supported formats: ${FORMATS.join(", ")}`);
  }
  switch (name) {
    case "ndjson":
    case "jsonl":
      return new JsonLinesWriter(name);
    case "json":
      return new JsonArrayWriter();
    case "csv":
      return new CsvWriter();
    case "parquet":
      return new ParquetWriter();
    case "arrow":
      return new ArrowWriter();
    case "duckdb":
      return new DuckDbWriter();
  }
}

/** The format a file name implies (by extension), or undefined. */
export function formatFromPath(path: string): Format | undefined {
  const match = /\.([A-Za-z0-9]+)$/.exec(path);
  return match ? EXTENSIONS[match[1]!.toLowerCase()] : undefined;
}
