// The Node.js gate: scripts/check-node.cjs (run by `npm install` in a clone, by `npm test`, by CI and
// first thing by the CLI) turns a Node older than package.json's engines away with one line.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BIN, type Run } from "../support/cli.js";

const ROOT = join(import.meta.dirname, "../..");
const SCRIPT = join(ROOT, "scripts/check-node.cjs");
const check = createRequire(import.meta.url)(SCRIPT) as {
  nodeProblem(version: string): string | null;
  minimumVersion(range: string): [number, number, number];
};

/** Runs `node ...args` with process.version reading `version`, as on an old Node. */
function runAs(version: string, args: string[]): Promise<Run> {
  const pretend = `data:text/javascript,Object.defineProperty(process,"version",{value:${JSON.stringify(version)}})`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", pretend, ...args], {
      env: { PATH: process.env.PATH },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the Node.js version gate", () => {
  it("compares the full version with engines.node: 22.12 is too old, 22.19 will do", async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
      engines: { node: string };
    };
    expect(check.minimumVersion(pkg.engines.node)).toEqual([22, 19, 0]);
    for (const old of ["v20.20.2", "v22.12.0", "v22.18.9", "v18.0.0", "not a version"])
      expect(check.nodeProblem(old)).toContain(`needs Node.js ${pkg.engines.node} but this is ${old}`);
    for (const fine of ["v22.19.0", "v22.20.1", "v23.0.0", "v24.11.1", "v30.0.0"])
      expect(check.nodeProblem(fine)).toBeNull();
  });

  it("accepts exactly the versions at or above 22.19.0", () => {
    const part = fc.integer({ min: 0, max: 40 });
    fc.assert(
      fc.property(part, part, part, (major, minor, patch) => {
        const atLeast = major > 22 || (major === 22 && minor >= 19);
        expect(check.nodeProblem(`v${major}.${minor}.${patch}`) === null).toBe(atLeast);
      }),
      { numRuns: 500 },
    );
  });

  it("says in one line what is needed and how to get it", () => {
    const line = check.nodeProblem("v20.20.2")!;
    expect(line).not.toContain("\n");
    expect(line).toContain("apikit-ts needs Node.js >=22.19");
    expect(line).toContain("nvm install 24");
    expect(line).toContain("npm install --prefix ~/.local/node24 node@24");
  });

  it("pins .nvmrc and .node-version to a Node that engines accepts; npm enforces engines", async () => {
    expect((await readFile(join(ROOT, ".npmrc"), "utf8")).split("\n")).toContain("engine-strict=true");
    for (const file of [".nvmrc", ".node-version"]) {
      const version = (await readFile(join(ROOT, file), "utf8")).trim();
      expect(check.nodeProblem(`v${version}`)).toBeNull();
    }
  });

  it("the script exits 1 with that one line on an old Node, and silently 0 on this one", async () => {
    const old = await runAs("v20.20.2", [SCRIPT]);
    expect(old.code).toBe(1);
    expect(old.stderr.trim().split("\n")).toEqual([check.nodeProblem("v20.20.2")]);
    const current = await runAs(process.version, [SCRIPT]);
    expect(current).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("importing the library on an old Node throws that line, not undici's TypeError", async () => {
    const entry = pathToFileURL(join(ROOT, "dist", "index.js")).href;
    const script = `import(${JSON.stringify(entry)}).then(() => console.log("loaded"), (e) => { console.error(e.message); process.exit(3); })`;
    const old = await runAs("v20.20.2", ["-e", script]);
    expect(old.code).toBe(3);
    expect(old.stderr.trim()).toBe(check.nodeProblem("v20.20.2"));
    const current = await runAs(process.version, ["-e", script]);
    expect(current).toEqual({ code: 0, stdout: "loaded\n", stderr: "" });
  });

  it("the CLI stops on an old Node with the same line before loading anything else", async () => {
    const old = await runAs("v20.20.2", [BIN, "--help"]);
    expect(old.code).toBe(1);
    expect(old.stdout).toBe("");
    expect(old.stderr.trim().split("\n")).toEqual([check.nodeProblem("v20.20.2")]);
    const current = await runAs(process.version, [BIN, "--help"]);
    expect(current.code).toBe(0);
    expect(current.stdout).toContain("Usage: apikit");
  });
});
