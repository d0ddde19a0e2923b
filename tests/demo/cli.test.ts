// `apikit demo` as a user runs it: the built binary, spawned, writing Parquet and DuckDB files that
// DuckDB reads back, and a summary of what it pulled and survived.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEMO_RESOURCES, demoRecords } from "../../src/demo/index.js";
import { runApikit } from "../support/cli.js";
import { duckQuery } from "../writers/support.js";

const apikit = (args: string[], cwd?: string) => runApikit(args, cwd ? { cwd } : {});

const tempDir = () => mkdtemp(join(tmpdir(), "apikit-demo-"));
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

async function parquetCounts(dir: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of DEMO_RESOURCES) {
    const [row] = await duckQuery(
      `SELECT count(*) AS n FROM read_parquet(${quote(join(dir, `${name}.parquet`))})`,
    );
    counts[name] = Number(row!.n);
  }
  return counts;
}

/** Rows per table of a DuckDB file, read by a separate DuckDB instance. */
async function duckdbCounts(file: string): Promise<Record<string, number>> {
  const attach = `ATTACH ${quote(file)} AS demo (READ_ONLY)`;
  const tables = await duckQuery(
    `${attach}; SELECT table_name AS t FROM duckdb_tables() WHERE database_name = 'demo' ORDER BY t`,
  );
  const counts: Record<string, number> = {};
  for (const { t } of tables) {
    const [row] = await duckQuery(`${attach}; SELECT count(*) AS n FROM demo."${String(t)}"`);
    counts[String(t)] = Number(row!.n);
  }
  return counts;
}

/** Orders per status, as DuckDB itself counts them in the demo's file. */
async function ordersByStatus(file: string): Promise<Record<string, number>> {
  const rows = await duckQuery(
    `ATTACH ${quote(file)} AS demo (READ_ONLY); SELECT status, count(*) AS n FROM demo.orders GROUP BY status`,
  );
  return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)]));
}

/**
 * Runs the summary's "try:" command as a user would paste it, in `cwd`, with a PATH that has this
 * node and no DuckDB CLI, and reads the orders per status from the table it prints.
 */
async function runTryLine(stdout: string, cwd: string): Promise<Record<string, number>> {
  const line = /^ {2}try: (.+)$/m.exec(stdout)?.[1];
  expect(line).toMatch(/^node -e /);
  const { stdout: out } = await promisify(execFile)("/bin/sh", ["-c", line!], {
    cwd,
    env: { PATH: dirname(process.execPath) },
  });
  return Object.fromEntries([...out.matchAll(/'(\w+)'\s*│\s*(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

const everyResource = (n: number) => Object.fromEntries(DEMO_RESOURCES.map((r) => [r, n]));

describe("apikit demo", () => {
  it("pulls every resource through its faults into Parquet and DuckDB and summarises the run", async () => {
    const dir = await tempDir();
    const run = await apikit(["demo", "--out", dir]);
    expect(run.code, run.stderr).toBe(0);
    expect((await readdir(dir)).sort()).toEqual([
      "demo.duckdb",
      "events.parquet",
      "orders.parquet",
      "products.parquet",
      "reviews.parquet",
      "users.parquet",
    ]);
    expect(await parquetCounts(dir)).toEqual(everyResource(250));
    expect(await duckdbCounts(join(dir, "demo.duckdb"))).toEqual(
      Object.fromEntries([...DEMO_RESOURCES].sort().map((r) => [r, 250])),
    );
    const ids = await duckQuery(`SELECT id FROM read_parquet(${quote(join(dir, "reviews.parquet"))})`);
    expect(ids.map((r) => r.id)).toEqual(demoRecords("reviews").map((r) => r.id));

    expect(run.stdout).toMatch(/users +offset \+ total +250 +10/);
    expect(run.stdout).toMatch(/orders +page number +250/);
    expect(run.stdout).toMatch(/events +cursor \+ has_more +250/);
    expect(run.stdout).toMatch(/products +Link header +250/);
    expect(run.stdout).toMatch(/reviews +GraphQL Relay +250/);
    expect(run.stdout).toContain("survived 9 retries (5 × 429, 4 × 503)");
    expect(run.stdout).toMatch(/the server answered \d+ requests, injecting 5 × 429 and 4 × 503/);
    expect(run.stdout).toMatch(/users\.parquet +\d+(\.\d)? kB +250 rows/);
    expect(run.stdout).toMatch(
      /demo\.duckdb +\d+(\.\d)? [kM]B +tables users, orders, events, products, reviews/,
    );
    expect(run.stdout).toContain("shape: (5, 5)");
    expect(run.stdout).toContain("address__city");
    expect(run.stderr).toContain("serving the sample API at http://127.0.0.1:");
    // Run in this repository, where @duckdb/node-api resolves by name.
    const counted = await runTryLine(run.stdout, process.cwd());
    expect(counted).toEqual(await ordersByStatus(join(dir, "demo.duckdb")));
    expect(Object.values(counted).reduce((a, b) => a + b, 0)).toBe(250);
    // A few seconds: the Retry-After waits run side by side.
  });

  it("takes --size, --no-faults and --latency, and writes ./apikit-demo by default", async () => {
    const cwd = await tempDir();
    const run = await apikit(["demo", "--size", "30", "--no-faults", "--latency", "5"], cwd);
    expect(run.code, run.stderr).toBe(0);
    expect(await parquetCounts(join(cwd, "apikit-demo"))).toEqual(everyResource(30));
    expect(existsSync(join(cwd, "apikit-demo", "demo.duckdb"))).toBe(true);
    expect(run.stdout).toContain("no retries were needed");
    expect(run.stdout).toContain("injecting 0 × 429 and 0 × 503");
    expect(run.stdout).toContain("files in apikit-demo/");
    // A folder where @duckdb/node-api does not resolve by name: the command names its path instead.
    expect(await runTryLine(run.stdout, cwd)).toEqual(
      await ordersByStatus(join(cwd, "apikit-demo", "demo.duckdb")),
    );
  });

  it("replaces the tables when run again into the same directory", async () => {
    const dir = await tempDir();
    expect((await apikit(["demo", "--out", dir, "--size", "40", "--no-faults", "--quiet"])).code).toBe(0);
    expect((await apikit(["demo", "--out", dir, "--size", "20", "--no-faults", "--quiet"])).code).toBe(0);
    expect(await duckdbCounts(join(dir, "demo.duckdb"))).toEqual(
      Object.fromEntries([...DEMO_RESOURCES].sort().map((r) => [r, 20])),
    );
  });

  it("prints nothing with --quiet", async () => {
    const dir = await tempDir();
    const run = await apikit(["demo", "--out", dir, "--size", "5", "--no-faults", "--quiet"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("");
    expect(await parquetCounts(dir)).toEqual(everyResource(5));
  });

  it("shows help with an example and exits 2 on a bad option", async () => {
    const help = await apikit(["demo", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Examples:");
    expect(help.stdout).toContain("$ apikit demo");
    const bad = await apikit(["demo", "--size", "zero"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--size must be a whole number");
  });
});
