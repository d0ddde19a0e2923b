// README's command-line examples must run: each line of the `cli-examples` block is run with the
// built binary against `apikit demo --serve`, in a temp folder, and must exit 0.
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { freePort } from "./support/server.js";

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "dist/cli/main.js");

/** Which of `paths` (relative to the repository root) its .gitignore ignores. */
async function ignored(paths: string[]): Promise<string[]> {
  // Exit 1 means "none of them": not an error here.
  const run = promisify(execFile)("git", ["-C", ROOT, "check-ignore", "--no-index", ...paths]);
  const { stdout } = await run.catch((e: { code?: number; stdout: string }) => {
    if (e.code === 1) return { stdout: "" };
    throw e;
  });
  return stdout.split("\n").filter(Boolean);
}

function run(line: string, cwd: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn("bash", ["-c", line], { cwd, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe(".gitignore", () => {
  it("ignores what apikit demo writes, and no file of the repository", async () => {
    expect(
      await ignored(["apikit-demo/demo.duckdb", "apikit-demo/users.parquet", "x.parquet.partial"]),
    ).toHaveLength(3);
    const { stdout } = await promisify(execFile)("git", [
      "-C",
      ROOT,
      "ls-files",
      "-ci",
      "--exclude-standard",
    ]);
    expect(stdout).toBe("");
  });
});

describe("README command-line examples", () => {
  it("run against the demo API, every one exiting 0", async () => {
    const readme = await readFile(join(import.meta.dirname, "../README.md"), "utf8");
    const block = /<!-- cli-examples -->\s*```bash\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const port = String(await freePort());
    const cwd = await mkdtemp(join(tmpdir(), "apikit-readme-"));
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: cwd,
      APIKIT_CONFIG_PATH: join(cwd, "config.toml"),
    };
    const apikit = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`;
    const lines = block!
      .split("\n")
      .map((l) => l.replace(/\s+#.*$/, "").trim())
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.replaceAll("8377", port).replaceAll("npx apikit", apikit));
    const [serveLine, ...commands] = lines;
    expect(serveLine).toMatch(/demo --serve --port \d+ &$/);
    const server = spawn("bash", ["-c", serveLine!.replace(/ &$/, "")], { cwd, env, detached: true });
    try {
      let ready = "";
      server.stderr.on("data", (d: Buffer) => (ready += d));
      for (let i = 0; i < 100 && !ready.includes("serving the sample API"); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(ready).toContain(`http://127.0.0.1:${port}`);
      const results: Array<{ line: string; code: number | null; stderr: string }> = [];
      for (const line of commands.filter((l) => !l.startsWith("kill "))) {
        const r = await run(line, cwd, env);
        results.push({ line, code: r.code, stderr: r.stderr.slice(0, 300) });
      }
      expect(results.filter((r) => r.code !== 0)).toEqual([]);
      expect(results.length).toBeGreaterThanOrEqual(12);
    } finally {
      process.kill(-server.pid!, "SIGTERM");
    }
    expect(existsSync(join(cwd, "orders.parquet"))).toBe(true);
    expect(existsSync(join(cwd, "shop.duckdb"))).toBe(true);
    expect((await readFile(join(cwd, "users.ndjson"), "utf8")).trim().split("\n")).toHaveLength(250);
    expect((await readFile(join(cwd, "events.csv"), "utf8")).split("\n")[0]).toContain("id");
    expect(existsSync(join(cwd, "analytics", "seeds", "demo_users.csv"))).toBe(true);
    expect(existsSync(join(cwd, "analytics", "models", "sources.yml"))).toBe(true);
    // Run in a clone, none of what they wrote would show up in `git status` (config.toml and dotfiles
    // are in HOME for a user; here HOME is this folder).
    const written = (await readdir(cwd, { withFileTypes: true }))
      .filter((e) => !e.name.startsWith(".") && e.name !== "config.toml")
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
    expect(written.length).toBeGreaterThanOrEqual(5);
    expect((await ignored(written)).sort()).toEqual(written.sort());
    // Fifteen CLI runs one after another: well over the default 20 s on a busy machine.
  }, 180_000);
});
