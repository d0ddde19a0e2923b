// apikit in Deno's real Jupyter kernel (`deno jupyter --kernel`), driven the way a notebook front end
// drives it: Python's jupyter_client starts the kernel from a kernelspec (kept in a temp dir and found
// through JUPYTER_PATH, so nothing is installed in the user's home), sends each cell as an
// execute_request, and collects what the cell shows from the iopub channel (tests/deno/kernel_driver.py).
// One kernel session runs the README's notebook cells in order, each shown text/plain compared with its
// Out block, then more cells whose displays a notebook user sees: frames, an inspection, a dry run, a
// written file, progress lines on a pull that meets 429s, a printed client, an error.
// Needs python3 with jupyter_client (Debian: python3-jupyter-client; .ci/run installs it); without it
// the test fails and says so. dist/ is built by `npm test` before vitest runs.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BIN } from "../support/cli.js";
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

const DRIVER = join(import.meta.dirname, "kernel_driver.py");
const KERNEL_NAME = "apikit-deno-test";
const TOKEN = "demo-token";
/** The kernel must answer kernel_info within this long, and each cell end within CELL_TIMEOUT_S. */
const START_TIMEOUT_S = 30;
const CELL_TIMEOUT_S = 30;
/** The whole session (driver, kernel, every cell, shutdown): past this the driver is killed. */
const SESSION_TIMEOUT_MS = 120_000;

interface Output {
  type: "execute_result" | "display_data" | "stream" | "error";
  data?: Record<string, string>;
  name?: "stdout" | "stderr";
  text?: string;
  ename?: string;
  evalue?: string;
}

interface CellRun {
  status: "ok" | "error" | "timeout";
  outputs: Output[];
}

let work: string;
let demo: Demo | undefined;
let faultyDemo: Demo | undefined;
let notebookDir: string;
let readme: Cell[];
/** The driver's stderr (the kernel's own stderr too: Deno's "unstable" warning). */
let driverStderr = "";
let driver: ChildProcess | undefined;
/** The kernel's pid, as the driver reports it: killed in afterAll if a killed driver left it running. */
let kernelPid: number | undefined;
/** The cells' names, in the order they run: "readme 1".."readme 5", then the extra cells'. */
let cellNames: string[] = [];
/** Every cell's run, by name. */
const runs = new Map<string, CellRun>();
/**
 * Why the session could not run (no jupyter_client, a kernel that did not start): every test fails
 * with it, so a run's summary counts them as failed, not skipped.
 */
let setupError: unknown;

beforeAll(async () => {
  try {
    await setup();
  } catch (error) {
    setupError = error;
  }
}, SESSION_TIMEOUT_MS + 30_000);

beforeEach(() => {
  if (setupError) throw setupError;
});

async function setup(): Promise<void> {
  if (!existsSync(DENO)) {
    throw new Error(
      `deno is missing at ${DENO}: it is a devDependency (the npm package "deno"); run npm install`,
    );
  }
  if (!existsSync(join(ROOT, "dist/index.js")) || !existsSync(BIN)) {
    throw new Error("dist/ is not built: run npm run build (npm test builds it before vitest)");
  }
  const python = findPython();
  work = await realpath(await mkdtemp(join(tmpdir(), "apikit-kernel-")));
  demo = await startDemo({ faults: false });
  faultyDemo = await startDemo({ faults: true });
  notebookDir = await userProject(work, "apikit-notebook", { "apikit-ts": ROOT });
  const jupyterPath = await kernelspec();
  readme = readmeCells(await readFile(README, "utf8"));

  const cells: Array<[string, string]> = [
    ...readme.map((cell, i): [string, string] => [
      `readme ${i + 1}`,
      cell.code.replaceAll(README_URL, demo!.url),
    ]),
    ...extraCells(faultyDemo.url),
  ];
  cellNames = cells.map(([name]) => name);
  const results = await session(
    python,
    jupyterPath,
    cells.map(([, code]) => code),
  );
  for (const [i, [name]] of cells.entries()) {
    const run = results[i];
    if (run) runs.set(name, run);
  }
}

afterAll(async () => {
  // The driver always shuts the kernel down, also on SIGTERM; a driver still running (the hook timed
  // out) or killed leaves it behind, killed here.
  if (driver && driver.exitCode === null && driver.signalCode === null) driver.kill("SIGKILL");
  if (kernelPid !== undefined && alive(kernelPid)) process.kill(kernelPid, "SIGKILL");
  await Promise.all([demo?.stop(), faultyDemo?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first python3 that imports jupyter_client, as its own path (a pyenv shim's python3 may not have
 * it where Debian's /usr/bin/python3 does). None: a failure that says what to install.
 */
function findPython(): string {
  const tried: string[] = [];
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    try {
      return execFileSync(candidate, ["-c", "import sys, jupyter_client; print(sys.executable)"], {
        encoding: "utf8",
        timeout: 15_000,
        stdio: ["ignore", "pipe", "pipe"],
      }).trim();
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? error).trim();
      tried.push(`${candidate}: ${stderr.split("\n").pop()}`);
    }
  }
  throw new Error(
    "the Jupyter kernel test needs Python's jupyter_client, and no python3 here has it " +
      `(${tried.join("; ")}): install the Debian package python3-jupyter-client ` +
      "(apt-get install python3-jupyter-client; .ci/run does) or `pip install jupyter_client`",
  );
}

/** A kernelspec for Deno's kernel in a temp dir; returns the folder to give as JUPYTER_PATH. */
async function kernelspec(): Promise<string> {
  const jupyterPath = join(work, "jupyter");
  const dir = join(jupyterPath, "kernels", KERNEL_NAME);
  await mkdir(dir, { recursive: true });
  const spec = {
    argv: [await realpath(DENO), "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno (apikit test)",
    language: "typescript",
  };
  await writeFile(join(dir, "kernel.json"), JSON.stringify(spec, null, 2));
  return jupyterPath;
}

/**
 * Runs the cells in one kernel session through the driver; resolves with each cell's run, in order (a
 * cell that times out ends the session: the runs stop there). The driver, the kernel and Deno write
 * only under `work`: its own HOME, Jupyter's runtime and data dirs, and DENO_DIR.
 */
function session(python: string, jupyterPath: string, cells: string[]): Promise<CellRun[]> {
  const spec = {
    kernel: KERNEL_NAME,
    cwd: notebookDir,
    cells,
    start_timeout: START_TIMEOUT_S,
    cell_timeout: CELL_TIMEOUT_S,
  };
  const child = spawn(python, [DRIVER], {
    cwd: work,
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: join(work, "home"),
      JUPYTER_PATH: jupyterPath,
      JUPYTER_RUNTIME_DIR: join(work, "jupyter-runtime"),
      JUPYTER_DATA_DIR: join(work, "jupyter-data"),
      JUPYTER_CONFIG_DIR: join(work, "jupyter-config"),
      DENO_DIR: join(work, "deno-dir"),
      DENO_NO_UPDATE_CHECK: "1",
    },
  });
  driver = child;
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => {
    driverStderr += chunk;
    const pid = /kernel pid (\d+)/.exec(driverStderr)?.[1];
    if (pid) kernelPid = Number(pid);
  });
  child.stdin.end(JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // SIGTERM lets the driver shut the kernel down; SIGKILL if it does not end.
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    }, SESSION_TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const why =
        code === 2
          ? "Python's jupyter_client is missing (install python3-jupyter-client)"
          : code === 3
            ? `Deno's Jupyter kernel (${DENO} jupyter --kernel) did not start or answer`
            : timedOut
              ? `the kernel session did not end in ${SESSION_TIMEOUT_MS / 1000} s`
              : `the kernel driver failed (exit ${code ?? signal})`;
      if (code !== 0 || timedOut) {
        reject(new Error(`${why}\ndriver stderr:\n${driverStderr}\nstdout:\n${stdout}`));
        return;
      }
      resolve((JSON.parse(stdout) as { cells: CellRun[] }).cells);
    });
  });
}

/** The cells run after the README's, in the same session, by name. */
function extraCells(faultyUrl: string): Array<[string, string]> {
  return [
    ["frame", "df"],
    ["nested frame", 'await client.fetchPolars("/users", { flatten: false })'],
    ["inspect", 'await client.inspect("/users")'],
    ["dry run", 'await client.fetchToFile("/users", { filePath: "u.csv", dryRun: true })'],
    // The demo with its faults: per resource, request 5 is a 429 (Retry-After: 1) and request 17 a 503.
    // Pages of 25: the first pull's requests are 1 to 11 (10 pages and the retried 429), the second's
    // 12 to 22 (the retried 503 among them), whatever page each number falls on. A hook notes each
    // retry, to show both pulls met their fault.
    [
      "pull with faults",
      `const retries: string[] = [];
const faulty = new Apikit({
  baseUrl: "${faultyUrl}",
  token: "demo-token",
  pagination: { strategy: "offset", dataPath: "users", totalPath: "total", pageSize: 25 },
  hooks: { onRetry: (event) => void retries.push(\`\${event.status} \${new URL(event.url).search}\`) },
});
(await faulty.fetchRecords("/users")).length`,
    ],
    ["pull with faults, progress false", '(await faulty.fetchRecords("/users", { progress: false })).length'],
    ["warning", '(await client.fetchRecords("/users", { maxPages: 1 })).length'],
    ["retries", "retries"],
    ["console.log", "console.log(client);"],
    ["throws", 'await client.fetchRecords("/nope")'],
    [
      "caught",
      `const { HttpError } = await import("apikit-ts");
let caught;
try {
  await client.fetchRecords("/nope");
} catch (error) {
  caught = error;
}
[caught instanceof HttpError, caught.name, caught.status]`,
    ],
  ];
}

function run(name: string): CellRun {
  const cell = runs.get(name);
  expect(
    cell,
    `the cell "${name}" ran (a cell before it may have timed out):\n${driverStderr}`,
  ).toBeDefined();
  expect(cell!.status, `the cell "${name}" did not time out`).not.toBe("timeout");
  return cell!;
}

/** The cell's shown value (its execute_result), as the kernel sent it. */
function shown(name: string): Record<string, string> {
  const results = run(name).outputs.filter((o) => o.type === "execute_result");
  expect(results, `the cell "${name}" shows one value: ${JSON.stringify(run(name).outputs)}`).toHaveLength(1);
  return results[0]!.data!;
}

/** text/plain without the colours Deno's kernel gives values it formats itself. */
function plain(name: string): string {
  return stripVTControlCharacters(shown(name)["text/plain"] ?? "");
}

function stream(name: string, which: "stdout" | "stderr"): string {
  return run(name)
    .outputs.filter((o) => o.type === "stream" && o.name === which)
    .map((o) => o.text)
    .join("");
}

/**
 * The cell's text/html has each of `has` and none of `lacks` (failures name the piece, not the whole
 * table); returns it.
 */
function expectHtml(name: string, has: Array<string | RegExp>, lacks: string[] = []): string {
  const html = shown(name)["text/html"];
  expect(html, `the cell "${name}" shows text/html`).toBeTypeOf("string");
  const start = `${html!.slice(0, 400)}…`;
  for (const piece of has) {
    const found = typeof piece === "string" ? html!.includes(piece) : piece.test(html!);
    expect(found, `the HTML of "${name}" has ${piece}: ${start}`).toBe(true);
  }
  for (const piece of lacks) {
    const at = html!.indexOf(piece);
    expect(at, `the HTML of "${name}" has no ${piece}: …${html!.slice(at - 200, at + 200)}…`).toBe(-1);
  }
  return html!;
}

describe("README: In a notebook, in Deno's Jupyter kernel", () => {
  it("runs the five cells in order in one session, each showing its Out block", () => {
    expect(readme).toHaveLength(5);
    for (const [i, cell] of readme.entries()) {
      const name = `readme ${i + 1}`;
      expect(run(name).status, `${name}: ${JSON.stringify(run(name).outputs)}`).toBe("ok");
      expect(asInReadme(plain(name), demo!.url, notebookDir), `${name}'s shown value`).toBe(cell.out);
    }
    // The client's own bundle is text only; the fetchToFile result's has its HTML table too.
    expect(Object.keys(shown("readme 1"))).toEqual(["text/plain"]);
    expectHtml("readme 4", [/^<table/, "parquet", `${notebookDir}/users.parquet`]);
    expect(
      existsSync(join(notebookDir, "users.parquet")),
      "cell 4 wrote users.parquet beside the notebook",
    ).toBe(true);
  });
});

describe("what a notebook user sees in Deno's Jupyter kernel", () => {
  it("shows a DataFrame from fetchPolars as apikit's own table: shape, dtypes under the names", () => {
    expectHtml("frame", [
      /^<table/,
      "<caption",
      "shape: (250, 16)",
      '<th style="text-align:left;padding:2px 8px;vertical-align:top">address__geo__lat</th>',
      "<em>i64</em>",
      "<em>str</em>",
      "<p>50 of 250 rows</p>",
    ]);
    expect(plain("frame")).toMatch(/^shape: \(250, 16\)/);
  });

  it("shows struct cells (flatten: false) as JSON, never [object Object]", () => {
    expectHtml(
      "nested frame",
      ["shape: (250, 11)", "<em>struct[5]</em>", "{&quot;street&quot;:&quot;Main Street 171&quot;"],
      ["[object Object]"],
    );
  });

  it("shows an inspection as a table with its schema, without the token", () => {
    expectHtml(
      "inspect",
      [
        /^<table/,
        `<strong>inspect ${demo!.url}/users</strong>`,
        "schema (16 columns)",
        ...["username", "address__geo__lat", "created_at"].map((column) => `${column}</td>`),
      ],
      [TOKEN],
    );
  });

  it("shows a dry run as a table of the request it would send, the token redacted", () => {
    expectHtml("dry run", [`dry run: GET ${demo!.url}/users`, "csv → "], [TOKEN]);
  });

  it("retries the pulls that meet the demo's 429 and 503, with or without progress", () => {
    expect(plain("pull with faults")).toBe("250");
    expect(plain("pull with faults, progress false")).toBe("250");
    // Which page meets the fault depends on the order the read-ahead's requests reach the server.
    expect(plain("retries")).toMatch(/^\[ "429 \?offset=\d+&limit=25", "503 \?offset=\d+&limit=25" \]$/);
  });

  // Deno's kernel shows only what goes through console (denoland/deno#20555): a write to
  // process.stderr reaches neither the cell nor the kernel's own stderr. apikit's lines for people
  // (progress, log lines, the dry run's text) go through console.error there (src/util/notebook.ts).
  it("writes progress lines under a cell whose pull meets a 429, without being asked", () => {
    const stderr = stream("pull with faults", "stderr");
    expect(stderr).toMatch(
      /^\[apikit\] GET \/users\?offset=\d+&limit=25: retrying in 1\.0 s \(attempt 2 of \d+\): status 429$/m,
    );
    expect(stderr).toMatch(/^\[apikit\] GET \/users: done: 10 pages, 250 records in [\d.]+ s, 1 retry, /m);
  });

  it("writes apikit's warnings and a dry run's text under the cell", () => {
    expect(plain("warning")).toBe("100");
    expect(stream("warning", "stderr")).toMatch(
      /^\[apikit\] WARN stopped at maxPages \(1\) after 1 pages and 100 records; the API has more/m,
    );
    expect(stream("dry run", "stderr")).toContain(`[dry run] GET ${demo!.url}/users`);
    expect(stream("dry run", "stderr")).toContain("authorization: Bearer [REDACTED]");
  });

  it("writes no progress line with progress: false, though the pull is retried", () => {
    expect(JSON.stringify(run("pull with faults, progress false").outputs)).not.toContain("[apikit]");
  });

  it("prints a client with console.log as its one line on stdout, never the token", () => {
    expect(stream("console.log", "stdout")).toBe(`Apikit ${demo!.url} (bearer, offset pagination)\n`);
    expect(run("console.log").outputs.filter((o) => o.type !== "stream")).toEqual([]);
  });

  it("shows a failed pull as an error output of apikit's HttpError class, without the token", () => {
    const cell = run("throws");
    expect(cell.status).toBe("error");
    const errors = cell.outputs.filter((o) => o.type === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ ename: "NotFoundError" });
    expect(errors[0]!.evalue).toContain(`GET ${demo!.url}/nope?offset=0&limit=100 returned 404 Not Found`);
    expect(errors[0]!.evalue).not.toContain(TOKEN);
    // NotFoundError is the 404 kind of HttpError.
    expect(plain("caught")).toBe('[ true, "NotFoundError", 404 ]');
  });

  it("never shows the token, in any output of the session", () => {
    expect([...runs.keys()], "every cell ran").toEqual(cellNames);
    expect(JSON.stringify([...runs.values()])).not.toContain(TOKEN);
    expect(driverStderr).not.toContain(TOKEN);
  });
});
