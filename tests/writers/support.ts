// Independent readers for round-trip tests: DuckDB for parquet/csv/ndjson/json/duckdb files, and
// apache-arrow and polars for Arrow IPC. Plus the values a typed reader should see for each record.
import { readFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import * as arrow from "apache-arrow";
import pl from "nodejs-polars";
import { flattenRecord, SchemaBuilder } from "../../src/flatten/index.js";

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

export async function duckQuery(sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function duckColumns(sql: string): Promise<Array<{ name: string; type: string }>> {
  const rows = await duckQuery(`DESCRIBE ${sql}`);
  return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

export const readParquet = (path: string) => duckQuery(`SELECT * FROM read_parquet(${quote(path)})`);
/** CSV read as text, with "" kept apart from an empty (null) field. */
export const readCsvText = (path: string) =>
  duckQuery(
    `SELECT * FROM read_csv(${quote(path)}, header = true, all_varchar = true, allow_quoted_nulls = false)`,
  );
export async function readDuckTable(path: string, table = "data") {
  const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(`SELECT * FROM "${table}"`)).getRowObjectsJS() as Array<
      Record<string, unknown>
    >;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Each JSON value as DuckDB sees it, re-parsed with exact integers. */
export async function readJsonObjects(path: string, format: "newline_delimited" | "array") {
  const rows = await duckQuery(
    `SELECT json::VARCHAR AS j FROM read_json_objects(${quote(path)}, format = ${quote(format)})`,
  );
  return rows.map((r) => exactParse(String(r.j)));
}

export function exactParse(text: string): unknown {
  return JSON.parse(text, (_k, value: unknown, context?: { source?: string }) =>
    typeof value === "number" &&
    !Number.isSafeInteger(value) &&
    context?.source &&
    /^-?\d+$/.test(context.source)
      ? BigInt(context.source)
      : value,
  );
}

export function readArrow(path: string) {
  const table = arrow.tableFromIPC(readFileSync(path));
  return {
    fields: table.schema.fields.map((f) => ({ name: f.name, type: String(f.type) })),
    rows: table.toArray().map((r) => ({ ...(r as { toJSON(): Record<string, unknown> }).toJSON() })),
  };
}

export const readArrowWithPolars = (path: string) => pl.readIPC(readFileSync(path));

/** The unified schema and the values a typed reader should return, column by column. */
export function expectedTable(records: unknown[], sep = "__") {
  const flat = records.map((r) => flattenRecord(r, { sep }));
  const columns = new SchemaBuilder({ sep }).addAll(flat).columns;
  const rows = flat.map((row) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) {
      const v = Object.getOwnPropertyDescriptor(row, c.name)?.value;
      let typed: unknown;
      if (v === null || v === undefined) typed = null;
      else if (c.type === "integer" || c.type === "bigint") typed = BigInt(v as number);
      else if (c.type === "string" || c.type === "null") typed = typeof v === "string" ? v : String(v);
      else typed = v;
      // An own key even for "__proto__", which plain assignment would take for the prototype.
      Object.defineProperty(out, c.name, {
        value: typed,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  });
  return { columns, rows };
}

/** The CSV text a record's value should become (null stays null: an empty field). */
export function expectedCsvText(records: unknown[]) {
  const { columns, rows } = expectedTable(records);
  return {
    columns,
    rows: rows.map((r) =>
      Object.fromEntries(columns.map((c) => [c.name, r[c.name] === null ? null : String(r[c.name])])),
    ),
  };
}
