// `apikit fetch <url | connector:path>`: every record of a listing as NDJSON on stdout (pipes into jq
// or duckdb), or into a file of any output format, written atomically (the library's fetchToFile).
import { type Command, Option } from "commander";
import {
  type Apikit,
  type FetchOptions,
  FORMATS,
  type Format,
  formatFromPath,
  getWriter,
  toJson,
} from "../index.js";
import { Progress } from "./progress.js";
import { UsageError } from "./report.js";
import {
  type Globals,
  type ListingFlags,
  listingFetchOptions,
  listingOptions,
  openTarget,
  positiveInt,
  type TargetFlags,
  targetOptions,
} from "./target.js";

/** Formats that can go to stdout; the others need a file (-o). */
const STDOUT_FORMATS: readonly Format[] = ["ndjson", "jsonl", "json", "csv"];

interface FetchFlags extends TargetFlags, ListingFlags {
  output?: string;
  format?: string;
  json?: boolean;
  dryRun?: boolean;
  table?: string;
  mode?: "replace" | "append";
  keepPartial?: boolean;
  checkpoint?: string;
  sinceField?: string;
  sinceParam: string;
  sinceInitial?: string;
  state?: string;
  lookback?: number;
  lookbackMs?: number;
}

export function registerFetch(program: Command): void {
  const command = program
    .command("fetch")
    .description("fetch every record of a listing (following pages) as NDJSON, or into a file")
    .argument("<target>", "an absolute URL, or connector:path (e.g. github:/orgs/nodejs/repos)")
    .option(
      "-o, --output <file>",
      "write to a file, atomically (format from the extension: .parquet .ndjson .jsonl .csv .arrow .json .duckdb)",
    )
    .addOption(
      new Option("--format <format>", "output format (default: from the extension, else ndjson)").choices([
        ...FORMATS,
      ]),
    )
    .option("--table <name>", "duckdb output: the table to write", "data")
    .addOption(
      new Option("--mode <mode>", "duckdb output: replace the table or append to it")
        .choices(["replace", "append"])
        .default("replace"),
    )
    .option("--keep-partial", "if the pull fails, keep the records fetched so far in <file>.partial")
    .option(
      "--checkpoint <file>",
      "with -o: save progress after each page; run the same command again to resume",
    )
    .option("--since-field <path>", "incremental: the field that grows with each change (e.g. updated_at)")
    .option("--since-param <name>", "incremental: query parameter carrying the last value", "since")
    .option("--since-initial <value>", "incremental: the value for the very first run")
    .option("--state <file>", "incremental: where the last value is kept between runs")
    .option(
      "--lookback-ms <ms>",
      "incremental: re-read this many ms before the last timestamp",
      positiveInt("--lookback-ms"),
    )
    .option(
      "--lookback <n>",
      "incremental: re-read this many units before the last number (seconds before a timestamp: deprecated, use --lookback-ms)",
      positiveInt("--lookback"),
    )
    .option("--paginate", "follow pages (auto-detected unless --strategy is given)")
    .option("--no-paginate", "fetch only the first page")
    .option("--json", "print the summary as JSON on stdout (with -o)")
    .option("--dry-run", "print the request that would be sent, send nothing");
  for (const option of [...listingOptions(), ...targetOptions()]) command.addOption(option);
  command
    .addHelpText(
      "after",
      `
Examples:
  $ apikit fetch https://api.example.com/v1/items --strategy offset --page-size 100 | jq .id
  $ apikit fetch github:/orgs/nodejs/repos -o repos.parquet          # token from GITHUB_TOKEN, .env, ~/.netrc or the keyring
  $ apikit fetch https://api.example.com/v1/events -o warehouse.duckdb --table events --mode append
  $ apikit fetch https://api.example.com/v1/users --total-path meta.total --concurrency 8 -o users.parquet   # 8 pages at once
  $ apikit fetch https://api.example.com/v1/orders -o orders.parquet --checkpoint orders.state.json   # resumable
  $ apikit fetch https://api.example.com/v1/orders --since-field updated_at --state orders.since.json -o changes.ndjson`,
    )
    .action(async (target: string, flags: FetchFlags, cmd: Command) => {
      await runFetch(target, flags, cmd.optsWithGlobals() as Globals);
    });
}

function formatOf(flags: FetchFlags): Format {
  if (flags.format) return flags.format as Format;
  if (!flags.output) return "ndjson";
  const format = formatFromPath(flags.output);
  if (format) return format;
  throw new UsageError(
    `cannot tell the format of "${flags.output}" from its extension; use one of .${FORMATS.join(" .")} or --format`,
  );
}

function incrementalFrom(flags: FetchFlags): FetchOptions["incremental"] {
  if (!flags.sinceField && !flags.state) return undefined;
  if (!flags.sinceField || !flags.state)
    throw new UsageError("incremental pulls need both --since-field and --state");
  return {
    cursorField: flags.sinceField,
    param: flags.sinceParam,
    stateFile: flags.state,
    ...(flags.sinceInitial !== undefined ? { initialValue: flags.sinceInitial } : {}),
    ...(flags.lookback !== undefined ? { lookback: flags.lookback } : {}),
    ...(flags.lookbackMs !== undefined ? { lookbackMs: flags.lookbackMs } : {}),
  };
}

export function fetchOptionsFrom(flags: FetchFlags): FetchOptions {
  const incremental = incrementalFrom(flags);
  return { ...listingFetchOptions(flags), ...(incremental ? { incremental } : {}) };
}

async function runFetch(target: string, flags: FetchFlags, globals: Globals): Promise<void> {
  const format = formatOf(flags);
  if (flags.checkpoint && !flags.output) throw new UsageError("--checkpoint needs -o FILE");
  if (!flags.output && !STDOUT_FORMATS.includes(format))
    throw new UsageError(`--format ${format} is binary: write it to a file with -o FILE`);
  const options = fetchOptionsFrom(flags);
  const progress = flags.dryRun ? undefined : new Progress({ quiet: globals.quiet || flags.json });
  const { client, path } = await openTarget(target, flags, globals, progress?.hooks);
  try {
    if (flags.dryRun) {
      const result = await client.fetchRecords(path, { ...options, dryRun: true });
      process.stdout.write(`${toJson(result.toJSON(), 2)}\n`);
      return;
    }
    const summary = flags.output
      ? await client.fetchToFile(path, {
          ...options,
          filePath: flags.output,
          format,
          table: flags.table,
          mode: flags.mode,
          keepPartial: flags.keepPartial === true,
          ...(flags.checkpoint ? { checkpoint: flags.checkpoint } : {}),
        })
      : await toStdout(client, path, options, format);
    const note = summary.truncated ? " (stopped at a limit; the API has more)" : "";
    const where = flags.output ? ` to ${flags.output} (${format}, ${summary.bytes} bytes)` : "";
    progress!.finish(where, note);
    if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, ...progress!.counts })}\n`);
  } catch (error) {
    progress?.abort();
    throw error;
  } finally {
    await client.close();
  }
}

/** Streams the pull to stdout, page by page, in a text format. */
async function toStdout(client: Apikit, path: string, options: FetchOptions, format: Format) {
  let pages = 0;
  let truncated = false;
  const source = async function* () {
    for await (const page of client.pages(path, options)) {
      pages += 1;
      truncated ||= page.truncated;
      yield page.records;
    }
  };
  const result = await getWriter(format).write(source(), process.stdout);
  return { records: result.records, pages, bytes: result.bytes, truncated };
}
