// Parquet through DuckDB's COPY ... TO: pass one flattens the pages into a spill file and unifies the
// schema; pass two lets DuckDB stream the spill into zstd row groups with that schema. DuckDB won the
// comparison in docs/decisions.md (time, memory, size, streaming), and it reads the spill in bounded
// memory, so 5 million records need no more RAM than 500 thousand.
import type { Writable } from "node:stream";
import { loadDuckDB } from "./backends.js";
import { viaFile } from "./destination.js";
import { DUCKDB_SETTINGS, literal, selectSpill } from "./duckdb-sql.js";
import { type TabularSpill, TabularWriter } from "./spill.js";
import type { WriteOptions } from "./types.js";

export const DEFAULT_ROWS_PER_GROUP = 65_536;

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
    const rows = Math.max(1, options.rowsPerGroup ?? DEFAULT_ROWS_PER_GROUP);
    return viaFile(destination, "parquet", async (path) => {
      const instance = await duckdb.DuckDBInstance.create(":memory:", DUCKDB_SETTINGS);
      const connection = await instance.connect();
      try {
        await connection.run(
          `COPY (${selectSpill(spill.path, spill.columns)}) TO ${literal(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${rows})`,
        );
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    });
  }
}
