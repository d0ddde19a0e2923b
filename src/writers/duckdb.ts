// A DuckDB database file with one table (default "data"). Pass one spills the flattened pages and
// unifies the schema; pass two builds the table in a fresh database file with one
// CREATE TABLE ... AS SELECT from the spill (DuckDB streams it). When the destination already holds
// a database, the fresh one is merged into it inside one transaction: "replace" swaps the table,
// "append" adds the new columns first and inserts by name, and other tables are left alone. A failure
// rolls back, so an existing database never ends up half-written.
import { existsSync, statSync } from "node:fs";
import { link, rename, rm } from "node:fs/promises";
import type { Writable } from "node:stream";
import { OutputError } from "../errors.js";
import { loadDuckDB } from "./backends.js";
import { siblingPath, viaFile } from "./destination.js";
import { DUCKDB_SETTINGS, ident, literal, selectSpill } from "./duckdb-sql.js";
import type { WriteOptions } from "./options.js";
import { type TabularSpill, TabularWriter } from "./spill.js";

type DuckDB = Awaited<ReturnType<typeof loadDuckDB>>;
type Connection = Awaited<ReturnType<Awaited<ReturnType<DuckDB["DuckDBInstance"]["create"]>>["connect"]>>;

async function withDatabase<T>(
  duckdb: DuckDB,
  path: string,
  work: (c: Connection) => Promise<T>,
): Promise<T> {
  const instance = await duckdb.DuckDBInstance.create(path, DUCKDB_SETTINGS);
  const connection = await instance.connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function removeDatabase(path: string): Promise<void> {
  await rm(path, { force: true });
  await rm(`${path}.wal`, { force: true });
}

/** Moves a database file (and a WAL, if one was left) to a new path. */
export async function moveDatabase(from: string, to: string): Promise<void> {
  await rename(from, to);
  if (existsSync(`${from}.wal`)) await rename(`${from}.wal`, `${to}.wal`);
}

export function validateTable(table: string): string {
  if (table.trim() === "") throw new OutputError('DuckDB output: "table" must be a non-empty name');
  return table;
}

/**
 * Puts the table of the fresh database `from` into `to`: a rename when `to` does not exist yet,
 * otherwise a transactional replace or append inside the existing database.
 */
export async function mergeDatabase(
  from: string,
  to: string,
  table: string,
  mode: "replace" | "append",
): Promise<void> {
  // A missing target becomes the fresh file. link() fails when the name exists, so two writers that
  // both saw no file cannot both win: the loser merges into the winner's file below.
  if (!existsSync(`${from}.wal`)) {
    try {
      await link(from, to);
      await rm(from, { force: true });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  } else if (!existsSync(to)) {
    await moveDatabase(from, to);
    return;
  }
  const duckdb = await loadDuckDB("DuckDB output");
  const t = ident(table);
  await withDatabase(duckdb, to, async (c) => {
    await c.run(`ATTACH ${literal(from)} AS apikit_incoming (READ_ONLY)`);
    try {
      await c.run("BEGIN TRANSACTION");
      try {
        const existing = await columnsOf(c, table);
        if (mode === "replace" || existing === null) {
          await c.run(`CREATE OR REPLACE TABLE main.${t} AS SELECT * FROM apikit_incoming.main.${t}`);
        } else {
          const incoming = (await columnsOf(c, table, "apikit_incoming")) ?? new Map<string, string>();
          for (const [name, type] of incoming) {
            const current = existing.get(name);
            if (current === undefined) await c.run(`ALTER TABLE main.${t} ADD COLUMN ${ident(name)} ${type}`);
            else if (current !== type && widens(current, type))
              await c.run(`ALTER TABLE main.${t} ALTER ${ident(name)} TYPE ${type}`);
          }
          await c.run(`INSERT INTO main.${t} BY NAME SELECT * FROM apikit_incoming.main.${t}`);
        }
        await c.run("COMMIT");
      } catch (error) {
        await c.run("ROLLBACK");
        throw new OutputError(
          `DuckDB output: could not ${mode} table "${table}" in ${to}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    } finally {
      await c.run("DETACH apikit_incoming");
    }
    await c.run("CHECKPOINT");
  });
  await removeDatabase(from);
}

/** An existing column must change type when the new data needs a wider one. */
function widens(current: string, incoming: string): boolean {
  if (incoming === "VARCHAR") return true;
  return current === "BIGINT" && incoming === "DOUBLE";
}

async function columnsOf(
  c: Connection,
  table: string,
  catalog?: string,
): Promise<Map<string, string> | null> {
  const where = catalog === undefined ? "current_database()" : literal(catalog);
  const reader = await c.runAndReadAll(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ${literal(table)} AND table_schema = 'main' AND table_catalog = ${where} ORDER BY ordinal_position`,
  );
  const rows = reader.getRows();
  if (rows.length === 0) return null;
  return new Map(rows.map((r) => [String(r[0]), String(r[1])]));
}

export class DuckDbWriter extends TabularWriter<DuckDB> {
  readonly format = "duckdb" as const;

  protected backend(): Promise<DuckDB> {
    return loadDuckDB("DuckDB output");
  }

  protected async finish(
    spill: TabularSpill,
    destination: string | Writable,
    options: WriteOptions,
    duckdb: DuckDB,
  ): Promise<number> {
    const table = validateTable(options.table ?? "data");
    const build = async (path: string) => {
      await withDatabase(duckdb, path, async (c) => {
        await c.run(`CREATE TABLE ${ident(table)} AS ${selectSpill(spill)}`);
        await c.run("CHECKPOINT");
      });
    };
    if (typeof destination !== "string" || !existsSync(destination)) {
      return viaFile(destination, "duckdb", build);
    }
    const fresh = siblingPath(destination, "duckdb");
    try {
      await build(fresh);
      await mergeDatabase(fresh, destination, table, options.mode ?? "replace");
    } finally {
      await removeDatabase(fresh);
    }
    return statSync(destination).size;
  }
}
