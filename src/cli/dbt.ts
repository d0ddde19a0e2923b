// `apikit dbt export <url>`: pulls a listing into a dbt project (seeds/<name>.csv, models/sources.yml,
// models/<name>.yml) through the library's DbtExporter, written atomically.
import type { Command } from "commander";
import { DbtExporter, type DbtExportResult, type PageSource } from "../dbt/index.js";
import type { ColumnType, FetchOptions } from "../index.js";
import { UsageError } from "./report.js";
import {
  collect,
  type Globals,
  type ListingFlags,
  listingFetchOptions,
  listingOptions,
  openTarget,
  parsePairs,
  type TargetFlags,
  targetOptions,
} from "./target.js";

const COLUMN_TYPES: readonly ColumnType[] = ["null", "boolean", "integer", "bigint", "float", "string"];

interface DbtFlags extends TargetFlags, ListingFlags {
  name: string;
  out: string;
  database: string;
  schema: string;
  source?: string;
  description?: string;
  tag: string[];
  dataType: string[];
  dryRun?: boolean;
}

export function registerDbt(program: Command): void {
  const dbt = program.command("dbt").description("export API data to a dbt project");
  const command = dbt
    .command("export")
    .description("fetch every record of a URL into a dbt seed, sources.yml and the seed's properties")
    .argument("<target>", "an absolute URL, or connector:path (e.g. stripe:/customers)")
    .requiredOption("--name <name>", "seed and source table name (a dbt identifier: letters, digits, _)")
    .requiredOption("--out <dir>", "the dbt project: writes <dir>/seeds and <dir>/models")
    .option("--database <name>", "database of the source", "raw")
    .option("--schema <name>", "schema of the source", "public")
    .option("--source <name>", "dbt source name the table is declared under (default: the schema)")
    .option("--description <text>", "table description (default: a TODO placeholder)")
    .option("--tag <tag>", "dbt tag (repeatable)", collect, [])
    .option(
      "--data-type <type=sql>",
      `warehouse type for an inferred type (${COLUMN_TYPES.join(", ")}), e.g. "float=double precision" (repeatable)`,
      collect,
      [],
    )
    .option("--dry-run", "fetch, but write nothing: print the files that would be written as JSON");
  for (const option of [...listingOptions(), ...targetOptions()]) command.addOption(option);
  command
    .addHelpText(
      "after",
      `
Writes seeds/<name>.csv, models/<name>.yml (the seed's columns, types and not_null tests) and merges
the table into models/sources.yml (re-running replaces it, never duplicates it).

Examples:
  $ apikit dbt export https://api.example.com/v1/customers --name stripe_customers --out ./analytics \\
      --schema stripe --tag stripe --strategy cursor --token-env STRIPE_KEY
  $ apikit dbt export https://api.example.com/v1/items --name items --out . --dry-run`,
    )
    .action(async (url: string, flags: DbtFlags, command: Command) => {
      await runDbtExport(url, flags, command.optsWithGlobals() as Globals);
    });
}

function dataTypes(values: string[]): Partial<Record<ColumnType, string>> {
  const out: Partial<Record<ColumnType, string>> = {};
  for (const [type, sql] of parsePairs(values, "=", "--data-type")) {
    if (!(COLUMN_TYPES as readonly string[]).includes(type))
      throw new UsageError(`--data-type: "${type}" is not one of ${COLUMN_TYPES.join(", ")}`);
    out[type as ColumnType] = sql;
  }
  return out;
}

async function runDbtExport(target: string, flags: DbtFlags, globals: Globals): Promise<void> {
  const exporter = new DbtExporter({
    outputDir: flags.out,
    dryRun: flags.dryRun === true,
    dataTypes: dataTypes(flags.dataType),
  });
  const fetch: FetchOptions = listingFetchOptions(flags);
  const { client, path } = await openTarget(target, flags, globals);
  const progress = { pages: 0, truncated: false };
  // Counts pages on their way through, for the summary line.
  const counted: PageSource = {
    async *pages(p, options) {
      for await (const page of client.pages(p, options)) {
        progress.pages += 1;
        progress.truncated ||= page.truncated;
        yield page;
      }
    },
  };
  try {
    const result = await exporter.exportFromClient(counted, path, {
      name: flags.name,
      database: flags.database,
      schema: flags.schema,
      ...(flags.source !== undefined ? { source: flags.source } : {}),
      ...(flags.description !== undefined ? { description: flags.description } : {}),
      tags: flags.tag,
      fetch,
    });
    if (result.dryRun) process.stdout.write(`${JSON.stringify(dryRunReport(result), null, 2)}\n`);
    if (!globals.quiet) {
      const files = result.dryRun
        ? "nothing written (dry run)"
        : `wrote ${result.seedPath}, ${result.sourcesPath}, ${result.modelPath}`;
      process.stderr.write(
        `apikit: ${result.records} records from ${progress.pages} pages, ${result.columns.length} columns; ${files}${progress.truncated ? " (stopped at a limit; the API has more)" : ""}\n`,
      );
    }
  } finally {
    await client.close();
  }
}

/** The YAML in full; the CSV (possibly large) by its size. */
function dryRunReport(result: DbtExportResult) {
  return {
    dryRun: true,
    records: result.records,
    columns: result.columns,
    files: (result.files ?? []).map((f) => ({
      path: f.path,
      bytes: Buffer.byteLength(f.content),
      ...(f.path.endsWith(".yml") ? { content: f.content } : {}),
    })),
  };
}
