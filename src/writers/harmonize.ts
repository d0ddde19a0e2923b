// One schema for a set of Parquet files written apart (a cluster pull's partitions): DuckDB's union by
// name (supertypes where files disagree) becomes every file's schema, so that
// read_parquet('<dir>/**/*.parquet') reads them as one table without union_by_name. Only the files that
// differ are rewritten (each atomically); an empty file takes the union and adds nothing to it.
import { rename, rm } from "node:fs/promises";
import type { DuckDBConnection } from "@duckdb/node-api";
import { parentsAmong } from "../flatten/index.js";
import { loadDuckDB } from "./backends.js";
import { siblingPath } from "./destination.js";
import { DUCKDB_SETTINGS, ident, literal } from "./duckdb-sql.js";

export interface ParquetPart {
  path: string;
  /** Rows in it: a file with none takes the union schema and does not add its own. */
  rows: number;
}

type Column = { name: string; type: string };

/** The union's columns less the parents (by name) that hold no value in any file. */
async function withoutEmptyParents(
  connection: DuckDBConnection,
  from: string,
  union: Column[],
  sep: string,
): Promise<Column[]> {
  const names = union.map((c) => c.name);
  const parents = [...parentsAmong(names, new Set(names), sep)];
  if (parents.length === 0) return union;
  const counts = (
    await connection.runAndReadAll(
      `SELECT ${parents.map((p) => `count(${ident(p)})`).join(", ")} FROM ${from}`,
    )
  ).getRows()[0]!;
  const empty = new Set(parents.filter((_, i) => Number(counts[i]) === 0));
  return union.filter((c) => !empty.has(c.name));
}

/**
 * Gives every file the union schema; returns the paths of the files it rewrote. One column set per
 * path holds across the files too: a parent column (`shipping`, beside `shipping__city` with `sep`
 * "__") that no file holds a value in is left out of the union, as each file left it out of its own
 * when its records had the children.
 */
export async function harmonizeParquet(
  parts: ParquetPart[],
  options: { sep?: string } = {},
): Promise<string[]> {
  const sources = parts.filter((p) => p.rows > 0);
  if (sources.length === 0) return [];
  const duckdb = await loadDuckDB("Harmonizing a Parquet dataset");
  const instance = await duckdb.DuckDBInstance.create(":memory:", DUCKDB_SETTINGS);
  const connection = await instance.connect();
  const describe = async (from: string): Promise<Column[]> =>
    (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`))
      .getRowObjectsJS()
      .map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  try {
    const list = `[${sources.map((p) => literal(p.path)).join(", ")}]`;
    const read = `read_parquet(${list}, union_by_name = true)`;
    const union = await withoutEmptyParents(connection, read, await describe(read), options.sep ?? "__");
    const rewritten: string[] = [];
    for (const part of parts) {
      const own = await describe(`read_parquet(${literal(part.path)})`);
      const same =
        own.length === union.length &&
        own.every((c, i) => c.name === union[i]?.name && c.type === union[i]?.type);
      if (same) continue;
      const has = new Set(part.rows > 0 ? own.map((c) => c.name) : []);
      const select = union
        .map((c) => `CAST(${has.has(c.name) ? ident(c.name) : "NULL"} AS ${c.type}) AS ${ident(c.name)}`)
        .join(", ");
      const from = part.rows > 0 ? `read_parquet(${literal(part.path)})` : "(SELECT 1) WHERE false";
      const temp = siblingPath(part.path, "tmp");
      try {
        await connection.run(
          `COPY (SELECT ${select} FROM ${from}) TO ${literal(temp)} (FORMAT parquet, COMPRESSION zstd)`,
        );
        await rename(temp, part.path);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      rewritten.push(part.path);
    }
    return rewritten;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
