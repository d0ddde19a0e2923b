// `apikit fetch <url>`: every record of a listing as NDJSON on stdout (pipes into jq or duckdb), or
// into a file of any output format, written atomically (the library's fetchToFile).
import { type Command, Option } from "commander";
import {
  Apikit,
  consoleLogger,
  type FetchOptions,
  FORMATS,
  type Format,
  formatFromPath,
  getWriter,
  PaginationStrategy,
} from "../index.js";
import { UsageError } from "./report.js";

/** Formats that can go to stdout; the others need a file (-o). */
const STDOUT_FORMATS: readonly Format[] = ["ndjson", "jsonl", "json", "csv"];

interface FetchFlags {
  output?: string;
  format?: string;
  paginate?: boolean;
  strategy?: string;
  dataPath?: string;
  pageSize?: number;
  maxPages?: number;
  maxItems?: number;
  param: string[];
  header: string[];
  tokenEnv?: string;
  auth?: string;
  timeout?: number;
  dryRun?: boolean;
  table?: string;
  mode?: "replace" | "append";
  keepPartial?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${name} must be a positive whole number, got "${value}"`);
  return n;
};

export function registerFetch(program: Command): void {
  program
    .command("fetch")
    .description("fetch every record of a URL (following pages) as NDJSON, or into a file")
    .argument("<url>", "absolute URL of the listing")
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
    .option("--paginate", "follow pages (auto-detected unless --strategy is given)")
    .option("--no-paginate", "fetch only the first page")
    .addOption(new Option("--strategy <name>", "pagination strategy").choices(PaginationStrategy.options))
    .option("--data-path <path>", "dot path to the records in the response (e.g. data.items)")
    .option("--page-size <n>", "records per page", positiveInt("--page-size"))
    .option("--max-pages <n>", "stop after this many pages", positiveInt("--max-pages"))
    .option("--max-items <n>", "stop after this many records", positiveInt("--max-items"))
    .option("--param <k=v>", "query parameter (repeatable)", collect, [])
    .option("--header <k:v>", "request header (repeatable)", collect, [])
    .option("--token-env <NAME>", "read a bearer token from this environment variable (default APIKIT_TOKEN)")
    .addOption(new Option("--auth <type>", "auth type").choices(["none", "bearer"]))
    .option("--timeout <ms>", "per-request timeout in ms", positiveInt("--timeout"))
    .option("--dry-run", "print the request that would be sent, send nothing")
    .addHelpText(
      "after",
      `
Examples:
  $ apikit fetch https://api.example.com/v1/items --strategy offset --page-size 100 | jq .id
  $ apikit fetch https://api.github.com/orgs/nodejs/repos --token-env GITHUB_TOKEN -o repos.parquet
  $ apikit fetch https://api.example.com/v1/events -o warehouse.duckdb --table events --mode append`,
    )
    .action(async (url: string, flags: FetchFlags, command: Command) => {
      const globals = command.optsWithGlobals() as { verbose?: boolean; quiet?: boolean };
      await runFetch(url, flags, globals);
    });
}

function parsePairs(values: string[], separator: string, what: string): Array<[string, string]> {
  return values.map((pair) => {
    const at = pair.indexOf(separator);
    if (at <= 0) throw new UsageError(`${what} must look like name${separator}value, got "${pair}"`);
    return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
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

async function runFetch(
  target: string,
  flags: FetchFlags,
  globals: { verbose?: boolean; quiet?: boolean },
): Promise<void> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`"${target}" is not an absolute URL (include http:// or https://)`);
  }
  const format = formatOf(flags);
  if (!flags.output && !STDOUT_FORMATS.includes(format))
    throw new UsageError(`--format ${format} is binary: write it to a file with -o FILE`);
  const tokenVar = flags.tokenEnv ?? "APIKIT_TOKEN";
  const token = process.env[tokenVar];
  if (flags.tokenEnv && !token)
    throw new UsageError(`--token-env ${flags.tokenEnv}: that environment variable is empty or not set`);
  const auth = flags.auth ?? (token ? "bearer" : "none");
  if (auth === "bearer" && !token) throw new UsageError(`--auth bearer needs a token in $${tokenVar}`);

  const params: Record<string, string[]> = {};
  for (const [k, v] of parsePairs(flags.param, "=", "--param")) {
    params[k] ??= [];
    params[k].push(v);
  }
  const headers = Object.fromEntries(parsePairs(flags.header, ":", "--header"));

  const client = new Apikit({
    baseUrl: url.origin,
    ...(auth === "bearer" ? { auth: "bearer" as const, token } : {}),
    ...(flags.timeout ? { timeout: flags.timeout } : {}),
    logger: globals.verbose ? consoleLogger("debug") : consoleLogger(globals.quiet ? "error" : "warn"),
  });
  const options: FetchOptions = {
    params,
    headers,
    ...(flags.paginate !== undefined ? { paginate: flags.paginate } : { paginate: true }),
    ...(flags.strategy ? { strategy: flags.strategy as PaginationStrategy } : {}),
    ...(flags.dataPath ? { dataPath: flags.dataPath } : {}),
    ...(flags.pageSize ? { pageSize: flags.pageSize } : {}),
    ...(flags.maxPages ? { maxPages: flags.maxPages } : {}),
    ...(flags.maxItems ? { maxItems: flags.maxItems } : {}),
  };
  const path = `${url.pathname}${url.search}`;
  try {
    if (flags.dryRun) {
      const result = await client.fetchRecords(path, { ...options, dryRun: true });
      process.stdout.write(`${JSON.stringify(result.toJSON(), null, 2)}\n`);
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
        })
      : await toStdout(client, path, options, format);
    if (!globals.quiet) {
      const where = flags.output ? ` to ${flags.output} (${format}, ${summary.bytes} bytes)` : "";
      process.stderr.write(
        `apikit: ${summary.records} records from ${summary.pages} pages${where}${summary.truncated ? " (stopped at a limit; the API has more)" : ""}\n`,
      );
    }
  } finally {
    await client.close();
  }
}

/** Streams the pull to stdout, page by page, in a text format. */
async function toStdout(client: Apikit, path: string, options: FetchOptions, format: Format) {
  const summary = { records: 0, pages: 0, bytes: 0, truncated: false };
  const pages = async function* () {
    for await (const page of client.pages(path, options)) {
      summary.pages += 1;
      summary.truncated ||= page.truncated;
      yield page.records;
    }
  };
  const result = await getWriter(format).write(pages(), process.stdout);
  return { ...summary, records: result.records, bytes: result.bytes };
}
