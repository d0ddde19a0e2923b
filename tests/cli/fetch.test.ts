// Drives the built binary as a user would: spawn it, read stdout, stderr, files and exit codes.
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runApikit } from "../support/cli.js";
import { json, makeRecords, startServer, type TestServer } from "../support/server.js";
import { duckQuery, readDuckTable } from "../writers/support.js";

const ALL = makeRecords(120);

const apikit = (args: string[], env: Record<string, string> = {}) => runApikit(args, { env });

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url.startsWith("/private") && req.headers.authorization !== "Bearer cli-secret-token") {
      return json(res, 401, { message: "bad credentials" });
    }
    if (req.url.startsWith("/broken")) {
      const offset = Number(req.query.get("offset") ?? 0);
      if (offset >= 50) return json(res, 400, { error: "offset too large" });
    }
    const offset = Number(req.query.get("offset") ?? 0);
    const limit = Number(req.query.get("limit") ?? 50);
    json(res, 200, { items: ALL.slice(offset, offset + limit), total: ALL.length, offset });
  });
});
afterAll(() => server.close());

describe("apikit fetch", () => {
  it("prints every record as NDJSON on stdout and a summary on stderr", async () => {
    const run = await apikit(["fetch", `${server.url}/items`, "--strategy", "offset", "--page-size", "50"]);
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: number });
    expect(lines.map((l) => l.id)).toEqual(ALL.map((r) => r.id));
    expect(run.stderr).toContain("120 records");
  });

  it("writes a .json file atomically and leaves no temp file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "apikit-cli-"));
    const file = join(dir, "out.json");
    const run = await apikit(["fetch", `${server.url}/items`, "-o", file, "--max-items", "30", "--quiet"]);
    expect(run.code).toBe(0);
    const records = JSON.parse(await readFile(file, "utf8")) as unknown[];
    expect(records).toHaveLength(30);
    expect(await readdir(dir)).toEqual(["out.json"]);
  });

  it("writes parquet and duckdb files that DuckDB reads back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "apikit-cli-"));
    const parquet = join(dir, "items.parquet");
    const run = await apikit(["fetch", `${server.url}/items`, "--strategy", "offset", "-o", parquet]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/120 records from \d+ pages to .*items\.parquet \(parquet, \d+ bytes\)/);
    const rows = await duckQuery(`SELECT id FROM read_parquet('${parquet}') ORDER BY id`);
    expect(rows.map((r) => Number(r.id))).toEqual(ALL.map((r) => r.id));
    const db = join(dir, "w.duckdb");
    for (let i = 0; i < 2; i++) {
      const append = await apikit([
        "fetch",
        `${server.url}/items`,
        "--max-items",
        "10",
        "-o",
        db,
        "--table",
        "t",
        "--mode",
        "append",
        "--quiet",
      ]);
      expect(append.code).toBe(0);
    }
    expect(await readDuckTable(db, "t")).toHaveLength(20);
  });

  it("streams CSV to stdout", async () => {
    const run = await apikit([
      "fetch",
      `${server.url}/items`,
      "--format",
      "csv",
      "--max-items",
      "2",
      "--quiet",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("id,name\n1,item 1\n2,item 2\n");
  });

  it("leaves nothing at the target path when the pull fails half-way", async () => {
    const dir = await mkdtemp(join(tmpdir(), "apikit-cli-"));
    const file = join(dir, "out.ndjson");
    const run = await apikit([
      "fetch",
      `${server.url}/broken`,
      "--strategy",
      "offset",
      "--page-size",
      "25",
      "-o",
      file,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/HttpError: GET .*\/broken\?offset=50.* failed with 400/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("reads the token from the environment and never prints it", async () => {
    const run = await apikit(
      ["fetch", `${server.url}/private`, "--token-env", "MY_TOKEN", "--no-paginate", "--verbose"],
      {
        MY_TOKEN: "cli-secret-token",
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(50);
    expect(run.stderr).not.toContain("cli-secret-token");
  });

  it("exits 1 with one clear line on a 401", async () => {
    const run = await apikit(["fetch", `${server.url}/private`]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("AuthError");
    expect(run.stderr).toContain("401");
    expect(run.stderr).not.toContain("    at ");
  });

  it("prints a dry run with the secret redacted and sends nothing", async () => {
    const before = server.requests.length;
    const run = await apikit(["fetch", `${server.url}/private`, "--token-env", "T", "--dry-run"], {
      T: "cli-secret-token",
    });
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as { headers: Record<string, string> };
    expect(plan.headers.authorization).toBe("Bearer [REDACTED]");
    expect(run.stdout + run.stderr).not.toContain("cli-secret-token");
    expect(server.requests.length).toBe(before);
  });

  it("exits 2 on a usage error", async () => {
    expect((await apikit(["fetch", "not-a-url"])).code).toBe(2);
    expect((await apikit(["fetch", `${server.url}/items`, "--page-size", "zero"])).code).toBe(2);
    expect((await apikit(["fetch", `${server.url}/items`, "-o", "x.unknown"])).code).toBe(2);
    expect((await apikit(["fetch", `${server.url}/items`, "--format", "parquet"])).code).toBe(2);
    expect((await apikit(["nope"])).code).toBe(2);
  });

  it("shows help with an example", async () => {
    const run = await apikit(["fetch", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Examples:");
  });
});

describe("apikit fetch --concurrency", () => {
  let slow: TestServer;
  // Requests in flight per path, and the most seen at once.
  const inFlight = new Map<string, { now: number; max: number }>();
  beforeAll(async () => {
    // Slow pages, so that requests sent together are seen together.
    slow = await startServer(async (req, res) => {
      const path = req.url.split("?")[0]!;
      const count = inFlight.get(path) ?? { now: 0, max: 0 };
      inFlight.set(path, count);
      count.max = Math.max(count.max, ++count.now);
      const limit = Number(req.query.get("limit") ?? 50);
      const page = req.query.get("page");
      const offset = page ? (Number(page) - 1) * limit : Number(req.query.get("offset") ?? 0);
      await new Promise((r) => setTimeout(r, 100));
      count.now -= 1;
      const items = ALL.slice(offset, offset + limit);
      json(res, 200, page ? { items, pages: Math.ceil(ALL.length / limit) } : { items, total: ALL.length });
    });
  });
  afterAll(() => slow.close());

  const listing = ["--strategy", "offset", "--total-path", "total", "--page-size", "10", "--quiet"];

  it("fetches up to N pages at once and still prints every record in order", async () => {
    const run = await apikit(["fetch", `${slow.url}/eight`, ...listing, "--concurrency", "8"]);
    expect(run.code).toBe(0);
    const ids = run.stdout
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { id: number }).id);
    expect(ids).toEqual(ALL.map((r) => r.id));
    // Above the default budget of 4, never above the 8 asked for.
    expect(inFlight.get("/eight")!.max).toBeGreaterThan(4);
    expect(inFlight.get("/eight")!.max).toBeLessThanOrEqual(8);
  });

  it("--total-pages-path lets a page listing fetch ahead too", async () => {
    const pages = ["--strategy", "page", "--total-pages-path", "pages", "--page-size", "10", "--quiet"];
    const run = await apikit(["fetch", `${slow.url}/pages`, ...pages, "--concurrency", "6"]);
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { id: number }).id),
    ).toEqual(ALL.map((r) => r.id));
    expect(inFlight.get("/pages")!.max).toBeGreaterThan(4);
    expect(inFlight.get("/pages")!.max).toBeLessThanOrEqual(6);
  });

  it("--concurrency 1 sends one request at a time", async () => {
    const run = await apikit(["fetch", `${slow.url}/one`, ...listing, "--concurrency", "1"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(ALL.length);
    expect(inFlight.get("/one")!.max).toBe(1);
  });

  it("is a usage error (exit 2, one line) unless a whole number from 1 to 64", async () => {
    for (const bad of ["0", "-3", "2.5", "many", "65"]) {
      const run = await apikit(["fetch", `${slow.url}/items`, "--concurrency", bad]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split("\n")[0]).toContain("--concurrency must be");
      expect(run.stderr).toContain(`"${bad}"`);
    }
    expect(inFlight.get("/items")).toBeUndefined();
  });
});
