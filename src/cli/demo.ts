// `apikit demo`: starts the embedded sample API on 127.0.0.1, pulls every resource (one per pagination
// style, through its 429s and 503s) into Parquet files and one DuckDB file, and says how it went.
import { join } from "node:path";
import type { Command } from "commander";
import { displayPath, formatSummary, previewParquet, pullDemo, startDemoServer } from "../demo/index.js";
import { consoleLogger } from "../index.js";
import { demoQueryCommand } from "./query-hint.js";
import { UsageError } from "./report.js";

interface DemoFlags {
  out: string;
  size: number;
  faults: boolean;
  latency: number;
  seed: number;
  quiet?: boolean;
  serve?: boolean;
  port: number;
}

const wholeNumber = (name: string, min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${name} must be a whole number of at least ${min}, got "${value}"`);
  return n;
};

const PREVIEW_COLUMNS = ["id", "name", "address__city", "address__geo__lat", "tags"] as const;

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "pull a built-in sample API (offset, page, cursor, Link and GraphQL Relay pagination, with 429s and 503s) into Parquet files and a DuckDB file",
    )
    .option("--out <dir>", "output directory", "apikit-demo")
    .option("--size <n>", "records per resource", wholeNumber("--size", 1), 250)
    .option("--no-faults", "serve no 429s or 503s")
    .option("--latency <ms>", "delay added to every response, in ms", wholeNumber("--latency", 0), 0)
    .option("--seed <n>", "seed of the sample data (same seed, same records)", wholeNumber("--seed", 0), 42)
    .option("--quiet", "print nothing but errors")
    .option("--serve", "only serve the sample API (until Ctrl-C), to try the other commands against it")
    .option("--port <n>", "port for --serve", wholeNumber("--port", 0), 8377)
    .addHelpText(
      "after",
      `
Needs no network: the sample API listens on 127.0.0.1 only and stops when the pull is done. It ends
with a query to try on demo.duckdb: the DuckDB CLI's when duckdb is on PATH, else a node one-liner
with @duckdb/node-api (installed with apikit).

Examples:
  $ apikit demo
  $ apikit demo --out /tmp/demo --size 2000 --latency 20
  $ apikit demo --serve --port 8377      # then: apikit fetch http://127.0.0.1:8377/users -o users.parquet`,
    )
    .action(async (flags: DemoFlags, command: Command) => {
      const globals = command.optsWithGlobals() as { verbose?: boolean; quiet?: boolean };
      await runDemo(flags, {
        verbose: globals.verbose === true,
        quiet: flags.quiet === true || globals.quiet === true,
      });
    });
}

async function serveDemo(flags: DemoFlags): Promise<void> {
  const server = await startDemoServer({
    size: flags.size,
    faults: flags.faults,
    latencyMs: flags.latency,
    seed: flags.seed,
    port: flags.port,
  });
  const u = server.url;
  process.stderr.write(
    [
      `apikit demo: serving the sample API at ${u} (Ctrl-C to stop)`,
      `  ${u}/users?offset=0&limit=25     offset + total`,
      `  ${u}/orders?page=1&per_page=25   page number`,
      `  ${u}/events?limit=25             cursor + has_more`,
      `  ${u}/products?page=1&per_page=25 Link header`,
      `  ${u}/graphql                     GraphQL Relay (reviews)`,
      "",
    ].join("\n"),
  );
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  await server.close();
  process.stderr.write(`apikit demo: stopped on ${signal} after ${server.stats.total.requests} requests\n`);
}

async function runDemo(flags: DemoFlags, globals: { verbose: boolean; quiet: boolean }): Promise<void> {
  if (flags.serve) return serveDemo(flags);
  const server = await startDemoServer({
    size: flags.size,
    faults: flags.faults,
    latencyMs: flags.latency,
    seed: flags.seed,
  });
  try {
    if (!globals.quiet)
      process.stderr.write(
        `apikit demo: serving the sample API at ${server.url}, pulling into ${flags.out}/ ...\n`,
      );
    const result = await pullDemo({
      url: server.url,
      out: flags.out,
      logger: consoleLogger(globals.verbose ? "debug" : "error"),
    });
    if (globals.quiet) return;
    const users = result.resources.find((r) => r.name === "users")!;
    const text = await previewParquet(users.parquet.path, PREVIEW_COLUMNS);
    process.stdout.write(
      formatSummary({
        result,
        served: server.stats.total,
        url: server.url,
        preview: { file: join(flags.out, "users.parquet"), text },
        query: demoQueryCommand(displayPath(result.duckdb.path)),
      }),
    );
  } finally {
    await server.close();
  }
}
