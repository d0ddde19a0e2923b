// What the Deno tests share: the demo API served by the built CLI, a user's project that installed
// apikit as a link, and the README's notebook cells with their Out blocks.
import { spawn } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { BIN } from "../support/cli.js";

export const ROOT = join(import.meta.dirname, "../..");
export const DENO = join(ROOT, "node_modules/.bin/deno");
export const README = join(ROOT, "README.md");
/** The demo API's address in the README's cells (`npx apikit demo --serve`). */
export const README_URL = "http://127.0.0.1:8377";
/** The notebook folder the README's Out blocks show (cell 4 prints the absolute path of its file). */
export const README_DIR = "/home/you/apikit-notebook";

export interface Demo {
  url: string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. Again does nothing. */
  stop(): Promise<void>;
}

/**
 * `apikit demo --serve` on a port the system picks (--port 0); resolves once it prints its URL. With
 * `faults`, the demo's fault schedule (src/demo/faults.ts: per resource, request 5 is a 429 with
 * Retry-After: 1, request 17 a 503); without, --no-faults.
 */
export function startDemo(options: { faults: boolean }): Promise<Demo> {
  const args = [BIN, "demo", "--serve", "--port", "0", ...(options.faults ? [] : ["--no-faults"])];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "ignore", "pipe"],
    env: { PATH: process.env.PATH ?? "", APIKIT_LOG_LEVEL: "error" },
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let stderr = "";
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the demo API did not start in 15 s:\n${stderr}`));
    }, 15_000);
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
      const url = /serving the sample API at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, stop });
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the demo API exited (${code ?? signal}) before listening:\n${stderr}`));
    });
  });
}

/** A folder `work/name` with `"type": "module"`, the given dependencies, and each installed as a link. */
export async function userProject(
  work: string,
  name: string,
  links: Record<string, string>,
): Promise<string> {
  const dir = join(work, name);
  await mkdir(join(dir, "node_modules"), { recursive: true });
  const dependencies: Record<string, string> = {};
  for (const [pkg, target] of Object.entries(links)) {
    dependencies[pkg] = `file:${target}`;
    await symlink(target, join(dir, "node_modules", pkg), "dir");
  }
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name, private: true, type: "module", dependencies }, null, 2),
  );
  return dir;
}

export interface Cell {
  code: string;
  out: string;
}

/** The cells between <!-- notebook-cells --> and <!-- /notebook-cells -->: ```ts, then its ```text Out. */
export function readmeCells(readme: string): Cell[] {
  const start = readme.indexOf("<!-- notebook-cells -->");
  const end = readme.indexOf("<!-- /notebook-cells -->");
  expect(start, "README has <!-- notebook-cells -->").toBeGreaterThan(0);
  expect(end, "README has <!-- /notebook-cells --> after it").toBeGreaterThan(start);
  const block = readme.slice(start, end);
  const cells = [...block.matchAll(/```ts\n([\s\S]*?)```\s*```text\n([\s\S]*?)```/g)].map((m) => ({
    code: m[1]!,
    out: m[2]!.replace(/\n$/, ""),
  }));
  expect(block.split("```ts").length - 1, "every ts cell is followed by its text Out block").toBe(
    cells.length,
  );
  return cells;
}

/**
 * A shown value as the README's Out block has it. Normalised, and only these: the demo API's port (the
 * README's is 8377, the test's the system's pick) and the notebook folder in cell 4's absolute file
 * path (a temp dir here).
 */
export function asInReadme(text: string, demoUrl: string, notebookDir: string): string {
  return text.replaceAll(demoUrl, README_URL).replaceAll(`${notebookDir}/`, `${README_DIR}/`);
}
