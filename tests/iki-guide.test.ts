// README's "Coming from iki-apikit" runs: every apikit cell of its table is executed in order against
// the demo API (JavaScript cells in one shared context, `apikit …` cells as commands), the side-by-side
// quick start runs as written, and every public name of iki-apikit's README has a row.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as apikit from "../src/index.js";
import { runApikit } from "./support/cli.js";

const README = join(import.meta.dirname, "../README.md");
const DEMO_URL = "http://127.0.0.1:8377";

type AsyncFn = (...args: unknown[]) => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => AsyncFn;

let demo: apikit.DemoServer;
let limited: apikit.DemoServer;
let dir: string;
let readme: string;

beforeAll(async () => {
  readme = await readFile(README, "utf8");
  dir = await mkdtemp(join(tmpdir(), "apikit-iki-guide-"));
  demo = await apikit.startDemoServer({ size: 60, faults: false, seed: 7 });
  // Every resource's first request is a 429 with a Retry-After past the client's maxRetryAfterMs.
  limited = await apikit.startDemoServer({
    size: 10,
    faults: { rateLimitAt: [1], unavailableAt: [], retryAfterSeconds: 600 },
  });
});
afterAll(async () => {
  await demo?.close();
  await limited?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The guide's section of the README. */
function guide(): string {
  const start = readme.indexOf("## Coming from iki-apikit");
  const end = readme.indexOf("\n## ", start + 1);
  expect(start, "README has a section 'Coming from iki-apikit'").toBeGreaterThan(0);
  return readme.slice(start, end);
}

interface Row {
  line: number;
  iki: string;
  code: string;
}

/** The table's rows (section headings skipped), each with its one apikit code span. */
function rows(): Row[] {
  const text = guide();
  const table = text.slice(text.indexOf("<!-- iki-guide -->"));
  const lines = table.split("\n").filter((l) => l.startsWith("|"));
  const out: Row[] = [];
  for (const [i, line] of lines.slice(2).entries()) {
    const cells = splitRow(line);
    expect(cells.length, `row ${i + 1}: three columns: ${line}`).toBe(3);
    const [iki, ts] = cells as [string, string, string];
    if (ts === "" && /^\*\*.+\*\*/.test(iki)) continue; // a section heading
    const spans = [...ts.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    expect(spans, `row "${iki}" has exactly one apikit code span`).toHaveLength(1);
    out.push({ line: i + 1, iki, code: spans[0]! });
  }
  return out;
}

/** A table row's cells: split at each "|" outside a code span. */
function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let inCode = false;
  for (const ch of line.trim().replace(/^\|/, "").replace(/\|$/, "")) {
    if (ch === "`") inCode = !inCode;
    if (ch === "|" && !inCode) {
      cells.push(cell.trim());
      cell = "";
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

/** Runs one JavaScript cell: an expression (its value) or statements. */
async function run(code: string, context: Record<string, unknown>): Promise<unknown> {
  const names = Object.keys(context);
  let fn: AsyncFn;
  try {
    fn = new AsyncFunction(...names, `return (${code}\n);`);
  } catch {
    fn = new AsyncFunction(...names, code);
  }
  return fn(...names.map((n) => context[n]));
}

describe("README: Coming from iki-apikit", () => {
  it("every apikit cell of the table runs against the demo API, in order", async () => {
    const client = new apikit.Apikit({ baseUrl: demo.url, token: "demo-token", logger: false });
    const rateLimited = new apikit.Apikit({ baseUrl: limited.url, logger: false });
    const context: Record<string, unknown> = {
      ...apikit,
      baseUrl: demo.url,
      client,
      rateLimited,
      records: [{ id: 1, user: { name: "Ada", dept: { code: "ENG" } }, tags: ["a", "b"] }],
      dir,
      manager: new apikit.ConfigManager({ path: join(dir, "config.toml") }),
      PassThrough,
    };
    const table = rows();
    expect(table.length).toBeGreaterThan(70);
    const failures: string[] = [];
    for (const row of table) {
      const code = row.code.replaceAll(DEMO_URL, demo.url);
      if (code.startsWith("apikit ")) {
        const args = code.slice("apikit ".length).split(" ");
        const result = await runApikit(args, { cwd: dir });
        if (result.code !== 0)
          failures.push(`${row.iki}: \`${code}\` exited ${result.code}: ${result.stderr}`);
        continue;
      }
      const env = { ...process.env };
      try {
        const value = await run(code, context);
        // A value that says the cell did not do what its row claims: an error of another class
        // (`e instanceof X && …` is false), or a try block that did not throw.
        if (value === undefined && !/^(for|const|let)\b/.test(code)) {
          failures.push(`${row.iki}: \`${code}\` gave undefined`);
        }
        if (value === false) failures.push(`${row.iki}: \`${code}\` gave false`);
      } catch (error) {
        failures.push(`${row.iki}: \`${code}\` threw ${(error as Error).name}: ${(error as Error).message}`);
      } finally {
        for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
        Object.assign(process.env, env);
      }
    }
    await client.close();
    await rateLimited.close();
    expect(failures).toEqual([]);
  }, 120_000);

  it("has a row for every public name of iki-apikit's README", () => {
    const ikiColumn = rows()
      .map((r) => r.iki)
      .join("\n");
    const names = [
      // the facade and its options
      "Apikit(",
      "base_url",
      "timeout",
      "max_retries",
      "verify_ssl",
      "headers",
      "from_name",
      "from_config",
      "ApiConfig",
      "AuthConfig",
      "RetryConfig",
      "max_attempts",
      "min_wait",
      "max_wait",
      "jitter",
      "retry_on_status",
      "PaginationConfig",
      "cursor_param",
      "next_cursor_path",
      "data_path",
      "page_param",
      "limit_param",
      "offset_param",
      "max_pages",
      "page_size",
      "params",
      "show_progress",
      "fetch_records",
      "fetch_polars",
      "flatten=False",
      "fetch_pandas",
      "afetch_polars",
      "afetch_records",
      "afetch_to_file",
      "agraphql",
      "ainspect",
      "astream",
      "client.post",
      "client.put",
      "client.delete",
      "fetch_to_file",
      '"duckdb"',
      "get_writer",
      "graphql(",
      "connection_path",
      // auth
      'auth="apikey"',
      "api_key_header",
      "api_key_query_param",
      'auth="basic"',
      'auth="oauth2"',
      "client_id",
      "client_secret",
      "token_url",
      "scopes",
      'auth="none"',
      // flattening and schemas
      "_flatten_dict",
      "_flatten_records",
      "records_to_polars",
      "infer_polars_schema",
      // rate limits
      "RateLimitState",
      "min_remaining",
      "ingest",
      "should_throttle",
      "sleep_duration",
      "headroom",
      // connectors and config
      "ConnectorRegistry.list()",
      "ConnectorRegistry.register",
      "ConnectorDefinition",
      "ConfigManager().add_connector",
      "list_connectors",
      "remove_connector",
      // inspect
      "client.inspect",
      "status_code",
      "latency_ms",
      "record_count",
      "detected_pagination",
      "rate_limit_state",
      "schema_sample",
      "suggested_config",
      // dry run
      "dry_run=True",
      "to_dict",
      "output_format",
      "output_path",
      // webhooks and dbt
      "WebhookReceiver",
      "output_file",
      "max_events",
      "start()",
      "stop()",
      "event_count",
      "to_polars",
      "GenericHmacValidator",
      "header_name",
      "prefix",
      "DbtExporter",
      "output_dir",
      "export_from_client",
      // errors
      "ApikitError",
      "AuthError",
      "RateLimitError",
      "retry_after",
      "PaginationError",
      "ConfigError",
      "ConnectorNotFoundError",
      "OutputError",
      "GraphQLError",
      "WebhookSignatureError",
      // environment
      "APIKIT_TOKEN",
      "APIKIT_API_KEY",
      "APIKIT_CONFIG_PATH",
      "APIKIT_LOG_LEVEL",
    ];
    const missing = names.filter((name) => !ikiColumn.includes(name));
    expect(missing).toEqual([]);
  });

  it("the side-by-side quick start runs as written", async () => {
    const block = /<!-- iki-quick-start -->\s*```ts\n([\s\S]*?)```/.exec(guide())?.[1];
    expect(block).toBeDefined();
    const target = join(dir, "orders.parquet");
    const code = block!
      .replace(/^import .*$/m, "")
      .replace(DEMO_URL, demo.url)
      .replace('"orders.parquet"', JSON.stringify(target));
    const printed: string[] = [];
    const log = (...args: unknown[]) => void printed.push(args.join(" "));
    await new AsyncFunction("Apikit", "console", code)(apikit.Apikit, { log });
    expect(printed).toEqual([`60 10 ${target}`]);
    expect(existsSync(target)).toBe(true);
  });
});
