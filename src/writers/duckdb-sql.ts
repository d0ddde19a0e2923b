// SQL helpers shared by the Parquet and DuckDB writers: quoting, the unified schema as DuckDB types,
// and the read_ndjson() call that reads a spill file with exactly that schema (no sampling, so a
// column that appears late or widens late is typed right and no value is coerced by guesswork).
import type { Column, ColumnType } from "../flatten/index.js";

export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;
export const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

const DUCK_TYPES: Record<ColumnType, string> = {
  null: "VARCHAR",
  boolean: "BOOLEAN",
  integer: "BIGINT",
  bigint: "BIGINT",
  float: "DOUBLE",
  string: "VARCHAR",
};

export const duckType = (type: ColumnType): string => DUCK_TYPES[type];

/** The column engines need when a pull had no records at all: one nullable text column. */
export const EMPTY_COLUMN = "value";

/** What the SQL needs to know about a filled spill. */
export interface SpillFacts {
  path: string;
  columns: readonly Column[];
  /** The longest line in UTF-16 units. */
  longestLine: number;
}

/**
 * DuckDB's JSON reader sizes its buffers by maximum_object_size: 32 MB made realistic 1 KB records
 * 5 × slower to copy and ran a 128 MB limit out of memory, 1–4 MB did neither. So the limit is the
 * longest spilled line's worst-case UTF-8 size, at least 1 MiB.
 */
export function readerObjectBytes(longestLine: number): number {
  const mib = 2 ** 20;
  return Math.max(mib, Math.ceil((3 * longestLine + 2) / mib) * mib);
}

/** SELECT of the spill with the final schema; a zero-column pull becomes one empty VARCHAR column. */
export function selectSpill(spill: SpillFacts): string {
  const { columns } = spill;
  if (columns.length === 0) return `SELECT NULL::VARCHAR AS ${ident(EMPTY_COLUMN)} WHERE false`;
  const spec = columns.map((c) => `${literal(c.name)}: ${literal(duckType(c.type))}`).join(", ");
  const names = columns.map((c) => ident(c.name)).join(", ");
  return `SELECT ${names} FROM read_ndjson(${literal(spill.path)}, columns = {${spec}}, maximum_object_size = ${readerObjectBytes(spill.longestLine)})`;
}

/**
 * Settings for the engines the writers open. DuckDB's default memory limit is 80 % of RAM and it
 * reads JSON with one large buffer per thread: on 1 million records two threads peaked at 450 MB
 * against 230 MB for one, for 0.35 s more (docs/decisions.md). One thread and a fixed limit keep a
 * 5-million-record write flat (DuckDB spills to disk past the limit); insertion order is kept so rows
 * stay in the API's order.
 */
export const DUCKDB_MEMORY_LIMIT_BYTES = 128 * 2 ** 20;
export const DUCKDB_SETTINGS: Record<string, string> = {
  memory_limit: `${DUCKDB_MEMORY_LIMIT_BYTES / 2 ** 20}MB`,
  threads: "1",
  preserve_insertion_order: "true",
};
