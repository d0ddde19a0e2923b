// Options of the dbt exporter as zod schemas: validated once at the edge, so a bad name fails with a
// ConfigError (every problem with its path) before anything is fetched or written.
import { z } from "zod";
import { parseConfig, parseOptions } from "../config/index.js";
import type { ColumnType } from "../flatten/index.js";

/** What dbt accepts unquoted as a seed, model or table name. */
export const DBT_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Database and schema names may hold dashes (BigQuery projects) but never a line break.
const objectName = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .regex(/^[^\p{Cc}]+$/u, `${what} must not contain control characters or line breaks`);

export const DbtExportOptions = z.strictObject({
  /** The seed and source table name: a dbt identifier. */
  name: z.string().regex(DBT_IDENTIFIER, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a dbt identifier: a letter or _, then letters, digits or _ (e.g. stripe_customers)`,
  }),
  database: objectName("database").default("raw"),
  schema: objectName("schema").default("public"),
  /** The dbt source the table is declared under: `source('<source>', '<name>')`. Default: the schema. */
  source: objectName("source").optional(),
  description: z.string().optional(),
  tags: z.array(z.string().min(1, "a tag must not be empty")).default([]),
  meta: z.record(z.string(), z.unknown()).default({}),
});
export type DbtExportOptions = z.input<typeof DbtExportOptions>;
export type ResolvedExportOptions = z.infer<typeof DbtExportOptions> & { source: string };

export const DbtExporterOptions = z.strictObject({
  /** The dbt project (or any folder): files go to <outputDir>/seeds and <outputDir>/models. */
  outputDir: z.string().min(1, "outputDir must not be empty"),
  /** Write nothing; return the paths and contents that would be written. */
  dryRun: z.boolean().default(false),
  /** Warehouse types per inferred type, e.g. { float: "double precision" } for Postgres. */
  dataTypes: z
    .partialRecord(z.enum(["null", "boolean", "integer", "bigint", "float", "string"]), z.string().min(1))
    .default({}),
  /** Flattening separator for nested keys. Default "__". */
  sep: z.string().min(1).default("__"),
});
export type DbtExporterOptions = z.input<typeof DbtExporterOptions>;
export type ResolvedExporterOptions = z.infer<typeof DbtExporterOptions> & {
  dataTypes: Partial<Record<ColumnType, string>>;
};

export function resolveExportOptions(input: unknown): ResolvedExportOptions {
  const parsed = parseConfig(DbtExportOptions, input, "dbt export options");
  return { ...parsed, source: parsed.source ?? parsed.schema };
}

export function resolveExporterOptions(input: unknown): ResolvedExporterOptions {
  return parseOptions(DbtExporterOptions, input, "DbtExporter");
}
