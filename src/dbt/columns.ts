// dbt column and table entries from the unified schema: warehouse types, placeholder descriptions,
// and the tests the data itself supports. Descriptions a person wrote survive a re-export.
import type { Column, ColumnType } from "../flatten/index.js";
import { DBT_IDENTIFIER } from "./options.js";

/**
 * Portable defaults (DuckDB, Snowflake, Postgres except `double`); override per warehouse with the
 * exporter's `dataTypes`, e.g. { float: "double precision" } for Postgres, INT64/FLOAT64/BOOL/STRING
 * for BigQuery. A column that was null in every record has no type to go on: varchar.
 */
export const DEFAULT_DATA_TYPES: Readonly<Record<ColumnType, string>> = {
  integer: "bigint",
  bigint: "bigint",
  float: "double",
  boolean: "boolean",
  string: "varchar",
  null: "varchar",
};

const PLACEHOLDER = "TODO: describe";
export const COLUMN_PLACEHOLDER = `${PLACEHOLDER} this column.`;
export const tablePlaceholder = (name: string) => `${PLACEHOLDER} ${name}.`;

export interface DbtColumn {
  name: string;
  /** The type unified over every record. */
  type: ColumnType;
  /** The warehouse type written as data_type (and as the seed's column_types). */
  dataType: string;
  /** Some record had no value, null, or a string dbt's seed loader reads as NULL ("" or "null"). */
  nullable: boolean;
}

export function dbtColumns(
  columns: readonly Column[],
  blank: ReadonlySet<string>,
  dataTypes: Partial<Record<ColumnType, string>>,
): DbtColumn[] {
  return columns.map((c) => ({
    name: c.name,
    type: c.type,
    dataType: dataTypes[c.type] ?? DEFAULT_DATA_TYPES[c.type],
    nullable: c.nullable || blank.has(c.name),
  }));
}

/** Descriptions a person wrote in an entry of a previous export (placeholders are not kept). */
export interface KeptDescriptions {
  table: string | undefined;
  columns: Map<string, string>;
}

function written(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" && !value.startsWith(PLACEHOLDER)
    ? value
    : undefined;
}

export function keptDescriptions(previous: unknown): KeptDescriptions {
  const kept: KeptDescriptions = { table: undefined, columns: new Map() };
  if (!previous || typeof previous !== "object") return kept;
  const entry = previous as { description?: unknown; columns?: unknown };
  kept.table = written(entry.description);
  if (Array.isArray(entry.columns)) {
    for (const column of entry.columns as Array<{ name?: unknown; description?: unknown } | null>) {
      const description = written(column?.description);
      if (typeof column?.name === "string" && description) kept.columns.set(column.name, description);
    }
  }
  return kept;
}

/** One `columns:` item. Tests only where every record proves them: not_null on never-null columns. */
export function columnEntry(column: DbtColumn, kept: KeptDescriptions, withTests: boolean) {
  return {
    name: column.name,
    // Without quoting, a test on a column named "first name" would be invalid SQL.
    ...(DBT_IDENTIFIER.test(column.name) ? {} : { quote: true }),
    data_type: column.dataType,
    description: kept.columns.get(column.name) ?? COLUMN_PLACEHOLDER,
    ...(withTests && !column.nullable ? { tests: ["not_null"] } : {}),
  };
}

export function tableDescription(name: string, given: string | undefined, kept: KeptDescriptions): string {
  return given ?? kept.table ?? tablePlaceholder(name);
}
