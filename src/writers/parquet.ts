// Parquet through DuckDB's COPY ... TO: pass one flattens the pages into a spill file and unifies the
// schema; pass two lets DuckDB stream the spill into zstd row groups with that schema. DuckDB won the
// comparison in docs/decisions.md (time, memory, size, streaming), and it reads the spill in bounded
// memory, so 5 million records need no more RAM than 500 thousand.
import type { Writable } from "node:stream";
import { loadDuckDB } from "./backends.js";
import { viaFile } from "./destination.js";
import {
  DUCKDB_MEMORY_LIMIT_BYTES,
  DUCKDB_SETTINGS,
  literal,
  readerObjectBytes,
  selectSpill,
} from "./duckdb-sql.js";
import type { WriteOptions } from "./options.js";
import { type TabularSpill, TabularWriter } from "./spill.js";

export const DEFAULT_ROWS_PER_GROUP = 65_536;
/** DuckDB's smallest row group (its vector size). */
const MIN_ROWS_PER_GROUP = 2048;
/**
 * DuckDB holds a whole row group in memory before it writes it: 65 536 realistic records of 1 KB
 * (35 columns, long texts) ran a 128 MB limit out of memory. So the default row group holds about this
 * many bytes of spilled JSON (measured to fit with room: 30 MB of 3.7 KB records fitted, 49 MB of
 * 6 KB records did not).
 */
const ROW_GROUP_BUDGET_BYTES = 16 * 2 ** 20;

/**
 * Rows per group and the memory limit for a filled spill: the caller's rowsPerGroup if given, else as
 * many rows as fit the budget (at least DuckDB's minimum, at most the default). Where a row group (of
 * records above 8 KB, or of the caller's size) or the reader's buffers need more than the usual limit,
 * the limit grows to hold them: DuckDB used up to 5 × a row group's JSON bytes.
 */
export function parquetLayout(
  spill: { bytes: number; records: number; longestLine: number },
  rowsPerGroup: number | undefined,
): { rows: number; memoryLimitBytes: number } {
  const perRecord = spill.bytes / Math.max(1, spill.records);
  const fitting = Math.floor(ROW_GROUP_BUDGET_BYTES / Math.max(1, perRecord));
  const rows = rowsPerGroup
    ? Math.max(1, rowsPerGroup)
    : Math.max(MIN_ROWS_PER_GROUP, Math.min(DEFAULT_ROWS_PER_GROUP, fitting));
  const groupBytes = Math.min(rows, spill.records) * perRecord;
  const needed = 32 * 2 ** 20 + 2 * readerObjectBytes(spill.longestLine) + 5 * groupBytes;
  return { rows, memoryLimitBytes: Math.max(DUCKDB_MEMORY_LIMIT_BYTES, Math.ceil(needed)) };
}

type DuckDB = Awaited<ReturnType<typeof loadDuckDB>>;

export class ParquetWriter extends TabularWriter<DuckDB> {
  readonly format = "parquet" as const;

  protected backend(): Promise<DuckDB> {
    return loadDuckDB("Parquet output");
  }

  protected finish(
    spill: TabularSpill,
    destination: string | Writable,
    options: WriteOptions,
    duckdb: DuckDB,
  ): Promise<number> {
    const { rows, memoryLimitBytes } = parquetLayout(spill, options.rowsPerGroup);
    const settings = { ...DUCKDB_SETTINGS, memory_limit: `${Math.ceil(memoryLimitBytes / 2 ** 20)}MB` };
    return viaFile(destination, "parquet", async (path) => {
      const instance = await duckdb.DuckDBInstance.create(":memory:", settings);
      const connection = await instance.connect();
      try {
        await connection.run(
          `COPY (${selectSpill(spill)}) TO ${literal(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${rows})`,
        );
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    });
  }
}
