// apikit under Deno, the way Deno's Jupyter kernel (`deno jupyter`) uses it: TypeScript with top-level
// await, every permission (-A, as the kernel runs), and `import { Apikit } from "apikit-ts"` resolved
// from a user's project whose node_modules/apikit-ts is a link to this clone (as `npm install
// /path/to/apikit` makes it), so apikit's own dependencies (undici, nodejs-polars, apache-arrow,
// @duckdb/node-api) are found through the link. Against the demo API served by the built CLI, Deno runs:
// a script of checks (frames, Parquet read back, DuckDB, Arrow, how a client prints), a stream left
// with `break` (the process must end at once), the permissions the README names, and the README's
// notebook cells as one module, each cell's shown value compared with its Out block.
// Deno is the npm package "deno" (a devDependency); dist/ is built by `npm test` before vitest runs.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "../support/cli.js";
import { readDuckTable } from "../writers/support.js";
import {
  asInReadme,
  type Cell,
  DENO,
  type Demo,
  README,
  README_URL,
  ROOT,
  readmeCells,
  startDemo,
  userProject,
} from "./support.js";

const TOKEN = "s3cr3t-token-xyz";
/** A Deno run is killed after this long: a script that does not end is a failure, not a hang. */
const RUN_TIMEOUT_MS = 30_000;

interface DenoRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Date.now() when the process had exited. */
  exitedAt: number;
}

interface Line {
  check?: string;
  value?: unknown;
  cell?: number;
  [key: string]: unknown;
}

let work: string;
let demo: Demo | undefined;
let demoUrl: string;
/** A notebook folder as the README sets it up: package.json and node_modules/apikit-ts only. */
let notebookDir: string;
/** A user's project that also installed nodejs-polars, to read the Parquet file back. */
let readerDir: string;

beforeAll(async () => {
  if (!existsSync(DENO)) {
    throw new Error(
      `deno is missing at ${DENO}: it is a devDependency (the npm package "deno"); run npm install`,
    );
  }
  if (!existsSync(join(ROOT, "dist/index.js")) || !existsSync(BIN)) {
    throw new Error("dist/ is not built: run npm run build (npm test builds it before vitest)");
  }
  work = await realpath(await mkdtemp(join(tmpdir(), "apikit-deno-")));
  demo = await startDemo({ faults: false });
  demoUrl = demo.url;
  notebookDir = await userProject(work, "apikit-notebook", { "apikit-ts": ROOT });
  readerDir = await userProject(work, "reader", {
    "apikit-ts": ROOT,
    "nodejs-polars": join(ROOT, "node_modules/nodejs-polars"),
  });
}, 30_000);

afterAll(async () => {
  await demo?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** `deno run <flags> <file> <args>` in `dir`, with its own cache dir and no update check or colours. */
async function deno(dir: string, file: string, code: string, flags: string[], args: string[] = []) {
  await writeFile(join(dir, file), code);
  return new Promise<DenoRun>((resolve) => {
    execFile(
      DENO,
      ["run", ...flags, file, ...args],
      {
        cwd: dir,
        timeout: RUN_TIMEOUT_MS,
        killSignal: "SIGKILL",
        maxBuffer: 16 * 1024 * 1024,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? work,
          DENO_DIR: join(work, "deno-dir"),
          DENO_NO_UPDATE_CHECK: "1",
          NO_COLOR: "1",
        },
      },
      (error, stdout, stderr) => {
        const failed = error as (Error & { code?: number | string; signal?: string }) | null;
        resolve({
          code: failed ? (typeof failed.code === "number" ? failed.code : null) : 0,
          signal: failed?.signal ?? null,
          stdout,
          stderr,
          exitedAt: Date.now(),
        });
      },
    );
  });
}

/** The run ended by itself with exit code 0 (not killed at RUN_TIMEOUT_MS). */
function expectClean(run: DenoRun, what: string): void {
  const detail = `${what}: exit ${run.code}, signal ${run.signal}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  expect(run.signal, detail).toBeNull();
  expect(run.code, detail).toBe(0);
}

/** The JSON lines a script printed. */
function lines(run: DenoRun): Line[] {
  return run.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line);
}

function checkValue(run: DenoRun, check: string): Record<string, unknown> {
  const line = lines(run).find((l) => l.check === check);
  expect(line, `the script printed "${check}":\n${run.stdout}\n${run.stderr}`).toBeDefined();
  return line!.value as Record<string, unknown>;
}

// ── the checks script ─────────────────────────────────────────────────────────────────────────────

const CHECKS = `import pl from "nodejs-polars";
import { Apikit } from "apikit-ts";

const [baseUrl, token] = Deno.args;
const out = (check: string, value: unknown) => console.log(JSON.stringify({ check, value }));

out("resolved", { apikit: import.meta.resolve("apikit-ts") });

const client = new Apikit({
  baseUrl,
  token,
  pagination: { strategy: "offset", dataPath: "users", totalPath: "total", pageSize: 100 },
});
const own = client as unknown as Record<symbol, unknown>;
const display = own[Symbol.for("Jupyter.display")] as () => Record<string, string>;
out("printed", {
  inspect: Deno.inspect(client),
  inspectAll: Deno.inspect(client, { showHidden: true, depth: Infinity, getters: true }),
  nested: Deno.inspect({ client }),
  string: String(client),
  joined: [client].join(""),
  json: JSON.stringify(client),
  display: display.call(client),
  hasDenoCustomInspect: Symbol.for("Deno.customInspect") in client,
  hasNodeInspectCustom: Symbol.for("nodejs.util.inspect.custom") in client,
  nodeHookOnly: Deno.inspect({ [Symbol.for("nodejs.util.inspect.custom")]: () => "node hook" }),
  bothHooks: Deno.inspect({
    [Symbol.for("nodejs.util.inspect.custom")]: () => "node hook",
    [Symbol.for("Deno.customInspect")]: () => "deno hook",
  }),
});

const df = await client.fetchPolars("/users");
out("polars", { height: df.height, width: df.width, columns: df.columns, first: df.getColumn("username").get(0) });

const saved = await client.fetchToFile("/users", { filePath: "users.parquet" });
const back = pl.readParquet(saved.path);
out("parquet", {
  saved: { ...saved },
  height: back.height,
  columns: back.columns,
  equalsFrame: back.frameEqual(df),
  last: back.getColumn("name").get(249),
});

const duck = await client.fetchToFile("/users", { filePath: "users.duckdb", table: "users" });
out("duckdb", { ...duck });

const table = await client.fetchArrow("/users");
out("arrow", {
  numRows: table.numRows,
  fields: table.schema.fields.map((f) => f.name),
  first: table.getChild("name")?.get(0),
});
out("end", Date.now());
`;

let checksRun: Promise<DenoRun> | undefined;
/** The checks script, run once for the tests that read its lines. */
function checks(): Promise<DenoRun> {
  checksRun ??= deno(readerDir, "checks.ts", CHECKS, ["-A"], [demoUrl, TOKEN]);
  return checksRun;
}

const COLUMNS = [
  "id",
  "username",
  "name",
  "email",
  "age",
  "active",
  "score",
  "phone",
  "address__street",
  "address__city",
  "address__country",
  "address__zip",
  "address__geo__lat",
  "address__geo__lng",
  "tags",
  "created_at",
];

describe("apikit under Deno, imported by name from a user's project", () => {
  it("resolves apikit-ts through the link and pulls into polars, Parquet, DuckDB and Arrow", async () => {
    const run = await checks();
    expectClean(run, "checks.ts");
    expect(checkValue(run, "resolved")).toEqual({ apikit: `file://${ROOT}/dist/index.js` });

    expect(checkValue(run, "polars")).toEqual({ height: 250, width: 16, columns: COLUMNS, first: "zoë_1" });

    const parquet = checkValue(run, "parquet");
    expect(parquet.saved).toEqual({
      path: join(readerDir, "users.parquet"),
      format: "parquet",
      records: 250,
      pages: 3,
      truncated: false,
      bytes: expect.any(Number),
    });
    expect(parquet).toMatchObject({
      height: 250,
      columns: COLUMNS,
      equalsFrame: true,
      last: "Kwame Иванова",
    });

    // Written by @duckdb/node-api under Deno, read back here under Node.
    expect(checkValue(run, "duckdb")).toMatchObject({ format: "duckdb", records: 250, pages: 3 });
    const rows = await readDuckTable(join(readerDir, "users.duckdb"), "users");
    expect(rows).toHaveLength(250);
    expect(Object.keys(rows[0]!)).toEqual(COLUMNS);
    expect(rows[0]).toMatchObject({ id: 1n, username: "zoë_1", address__city: "Montréal" });

    expect(checkValue(run, "arrow")).toEqual({ numRows: 250, fields: COLUMNS, first: "Zoë Иванова" });
  }, 60_000);

  it("prints a client with a token as its one line, never the token (Deno.inspect, String, JSON)", async () => {
    const run = await checks();
    expectClean(run, "checks.ts");
    const line = `Apikit ${demoUrl} (bearer, offset pagination)`;
    const printed = checkValue(run, "printed");
    expect(printed).toEqual({
      inspect: line,
      inspectAll: line,
      nested: `{ client: ${line} }`,
      string: line,
      joined: line,
      json: JSON.stringify({ baseUrl: demoUrl, authType: "bearer", pagination: "offset pagination" }),
      display: { "text/plain": line },
      // Deno.inspect has its own hook, Symbol.for("Deno.customInspect"), which apikit does not define:
      // it falls back to Node's Symbol.for("nodejs.util.inspect.custom") (util.inspect.custom), and
      // prefers its own where an object has both.
      hasDenoCustomInspect: false,
      hasNodeInspectCustom: true,
      nodeHookOnly: "node hook",
      bothHooks: "deno hook",
    });
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  }, 60_000);

  it("ends at once after a for await over a stream is left with break (no handle left open)", async () => {
    const script = `import { Apikit } from "apikit-ts";

const client = new Apikit({
  baseUrl: Deno.args[0],
  pagination: { strategy: "offset", dataPath: "users", totalPath: "total", pageSize: 10 },
});
const seen: unknown[] = [];
for await (const user of client.stream("/users")) {
  seen.push(user.id);
  if (seen.length === 3) break;
}
console.log(JSON.stringify({ check: "stream", value: seen }));
console.log(JSON.stringify({ check: "end", value: Date.now() }));
`;
    const run = await deno(notebookDir, "stream.ts", script, ["-A"], [demoUrl]);
    expectClean(run, "stream.ts");
    expect(checkValue(run, "stream")).toEqual([1, 2, 3]);
    // A socket or timer still referenced (the read-ahead request, a keep-alive connection, whose idle
    // timeout is 4 s) would keep Deno running after the last statement; none does.
    const lastStatementAt = checkValue(run, "end") as unknown as number;
    expect(run.exitedAt - lastStatementAt).toBeLessThan(2_500);
  }, 60_000);
});

// ── the permissions the README names for `deno run` ───────────────────────────────────────────────

const PERMISSIONS = `import { Apikit } from "apikit-ts";

const client = new Apikit({
  baseUrl: Deno.args[0],
  logger: false,
  pagination: { strategy: "offset", dataPath: "users", totalPath: "total", pageSize: 100 },
});
const pulls: Record<string, () => Promise<number>> = {
  records: async () => (await client.fetchRecords("/users")).length,
  arrow: async () => (await client.fetchArrow("/users")).numRows,
  csv: async () => (await client.fetchToFile("/users", { filePath: "p.csv" })).records,
  parquet: async () => (await client.fetchToFile("/users", { filePath: "p.parquet" })).records,
  duckdb: async () => (await client.fetchToFile("/users", { filePath: "p.duckdb" })).records,
  polars: async () => (await client.fetchPolars("/users")).height,
};
for (const [name, pull] of Object.entries(pulls)) {
  try {
    console.log(JSON.stringify({ check: name, value: await pull() }));
  } catch (error) {
    console.log(JSON.stringify({ check: name, value: String(error) }));
  }
}
`;

describe("permissions outside the kernel (deno run), as the README lists them", () => {
  const net = () => `--allow-net=${new URL(demoUrl).host}`;

  it("needs --allow-ffi for Parquet and DuckDB, and --allow-ffi --allow-sys for polars", async () => {
    const base = ["--no-prompt", net(), "--allow-read", "--allow-env", "--allow-write"];
    const all = await deno(
      notebookDir,
      "permissions.ts",
      PERMISSIONS,
      [...base, "--allow-ffi", "--allow-sys"],
      [demoUrl],
    );
    expectClean(all, "permissions.ts with the README's flags");
    for (const name of ["records", "arrow", "csv", "parquet", "duckdb", "polars"]) {
      expect(checkValue(all, name), name).toBe(250);
    }

    // Without the addon flags: plain records, Arrow and CSV still work; the native parts say which
    // permission is missing.
    const plain = await deno(notebookDir, "permissions.ts", PERMISSIONS, base, [demoUrl]);
    expectClean(plain, "permissions.ts without --allow-ffi");
    expect([checkValue(plain, "records"), checkValue(plain, "arrow"), checkValue(plain, "csv")]).toEqual([
      250, 250, 250,
    ]);
    expect(checkValue(plain, "parquet")).toMatch(/@duckdb\/node-api.*Requires ffi access.*--allow-ffi/);
    expect(checkValue(plain, "duckdb")).toMatch(/@duckdb\/node-api.*Requires ffi access.*--allow-ffi/);
    expect(checkValue(plain, "polars")).toMatch(/nodejs-polars.*--allow-(sys|ffi)/);
    // The package is installed: the error names the permission to add, not an install to run.
    for (const refused of ["parquet", "duckdb", "polars"]) {
      expect(checkValue(plain, refused)).toMatch(/which Deno did not allow to load: /);
      expect(checkValue(plain, refused)).not.toContain("npm install");
    }

    const ffiOnly = await deno(
      notebookDir,
      "permissions.ts",
      PERMISSIONS,
      [...base, "--allow-ffi"],
      [demoUrl],
    );
    expectClean(ffiOnly, "permissions.ts with --allow-ffi, without --allow-sys");
    expect(checkValue(ffiOnly, "parquet")).toBe(250);
    expect(checkValue(ffiOnly, "polars")).toMatch(/nodejs-polars.*Requires sys access.*--allow-sys/);
  }, 90_000);
});

// ── the README's notebook cells ───────────────────────────────────────────────────────────────────

/**
 * One Deno module of every cell, in order, sharing their top-level scope as a notebook's cells do. The
 * last line of each cell is the value a notebook shows (an expression: `client`, `df.shape`); it
 * becomes `await __show(i, (<expression>))`, which prints what Deno's kernel would show: the
 * `Symbol.for("Jupyter.display")` bundle's keys and text/plain when the value has that method (the
 * kernel then shows the bundle), and Deno.inspect(value) (what the kernel shows otherwise, as
 * `%o` without colours, the same text for these values).
 */
function notebookModule(cells: Cell[], url: string): string {
  const show = `const __show = async (cell: number, value: unknown) => {
  const hook = value !== null && typeof value === "object"
    ? (value as Record<symbol, unknown>)[Symbol.for("Jupyter.display")]
    : undefined;
  const bundle = typeof hook === "function" ? await hook.call(value) as Record<string, unknown> : undefined;
  console.log(JSON.stringify({
    cell,
    inspect: Deno.inspect(value),
    bundleKeys: bundle ? Object.keys(bundle) : null,
    textPlain: bundle ? bundle["text/plain"] : null,
  }));
};
`;
  const body = cells.map((cell, i) => {
    const lines = cell.code.replaceAll(README_URL, url).trimEnd().split("\n");
    const last = lines.pop()!.trim().replace(/;$/, "");
    expect(last, `cell ${i + 1} ends with an expression to show`).not.toMatch(
      /^(const|let|var|for|if|while|import|export|function|class|return|\/\/|}|$)/,
    );
    return `// cell ${i + 1}\n${lines.join("\n")}\nawait __show(${i}, (${last}));\n`;
  });
  return `${show}\n${body.join("\n")}console.log(JSON.stringify({ check: "end", value: Date.now() }));\n`;
}

describe("README: In a notebook", () => {
  it("runs the five cells in order under Deno, each showing its Out block", async () => {
    const readme = await readFile(README, "utf8");
    expect(readme, "README has a section 'In a notebook'").toContain("\n## In a notebook\n");
    const cells = readmeCells(readme);
    expect(cells).toHaveLength(5);
    expect(cells[0]!.code).toContain('import { Apikit } from "apikit-ts";');

    const run = await deno(notebookDir, "notebook.ts", notebookModule(cells, demoUrl), ["-A"]);
    expectClean(run, "the README's cells");
    const shown = lines(run).filter((l) => l.cell !== undefined);
    expect(shown.map((l) => l.cell)).toEqual([0, 1, 2, 3, 4]);

    for (const [i, line] of shown.entries()) {
      const text = typeof line.textPlain === "string" ? line.textPlain : (line.inspect as string);
      expect(asInReadme(text, demoUrl, notebookDir), `cell ${i + 1}'s shown value`).toBe(cells[i]!.out);
    }
    // The client and the file result show their own bundles; the frame's shape, the record and the
    // row count are shown by Deno.inspect.
    expect(shown.map((l) => l.bundleKeys)).toEqual([
      ["text/plain"],
      null,
      null,
      expect.arrayContaining(["text/plain", "text/html"]),
      null,
    ]);
    expect(
      existsSync(join(notebookDir, "users.parquet")),
      "cell 4 wrote users.parquet beside the notebook",
    ).toBe(true);
    expect(run.stdout + run.stderr).not.toContain("demo-token");
  }, 60_000);
});
