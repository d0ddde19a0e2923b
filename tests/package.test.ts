// The package as a stranger's project gets it: `npm pack`, install the tarball (and a link to this
// clone) into a fresh project, then import it by name with the README's ESM import and require() lines,
// pull a loopback listing, and run the `apikit` command it installs. Slow (an npm install): one test.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, makeRecords, startServer, type TestServer } from "./support/server.js";

const ROOT = join(import.meta.dirname, "..");
const ALL = makeRecords(120);
const exec = promisify(execFile);
// npm and the scripts run under this Node, whatever `node` comes first on PATH.
const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}` };
const npm = (args: string[], cwd: string) =>
  exec("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, env, timeout: 180_000 });
const node = (args: string[], cwd: string) => exec(process.execPath, args, { cwd, env, timeout: 30_000 });

let server: TestServer;
let work: string;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const offset = Number(req.query.get("offset") ?? 0);
    const limit = Number(req.query.get("limit") ?? 50);
    json(res, 200, { items: ALL.slice(offset, offset + limit), total: ALL.length });
  });
  work = await mkdtemp(join(tmpdir(), "apikit-package-"));
});
afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

/** The README's import lines: [ESM import, CommonJS require]. */
async function readmeImportLines(): Promise<[string, string]> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const block = /<!-- import-lines -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const lines = block.split("\n").map((l) => l.replace(/\s*\/\/.*$/, "").trim());
  return [lines.find((l) => l.startsWith("import "))!, lines.find((l) => l.includes("require("))!];
}

const pull = (url: string) => `
const client = new Apikit({ baseUrl: ${JSON.stringify(url)} });
const records = await client.fetchRecords("/items", { strategy: "offset", dataPath: "items", pageSize: 50 });
await client.close();
console.log(JSON.stringify({ count: records.length, last: records.at(-1).id }));`;

/** Makes a project in `dir` that installs `spec`, and checks both import styles and the command. */
async function consumer(dir: string, spec: string, npmArgs: string[] = []) {
  await mkdir(dir);
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true }));
  await npm(["install", spec, "--prefer-offline", ...npmArgs], dir);
  const [importLine, requireLine] = await readmeImportLines();
  await writeFile(join(dir, "esm.mjs"), `${importLine}\n${pull(server.url)}`);
  await writeFile(join(dir, "cjs.cjs"), `${requireLine}\n(async () => {${pull(server.url)}\n})();`);
  const expected = `${JSON.stringify({ count: 120, last: ALL.at(-1)!.id })}\n`;
  expect((await node(["esm.mjs"], dir)).stdout).toBe(expected);
  expect((await node(["cjs.cjs"], dir)).stdout).toBe(expected);
  const version = await node([join(dir, "node_modules/.bin/apikit"), "--version"], dir);
  expect(version.stdout.trim()).toBe("0.1.0");
}

describe("the package", () => {
  it("installs from a tarball and from a clone, imports by name with import and require, runs apikit", async () => {
    const [importLine, requireLine] = await readmeImportLines();
    expect(importLine).toBe('import { Apikit } from "apikit-ts";');
    expect(requireLine).toBe('const { Apikit } = require("apikit-ts");');

    // --ignore-scripts: pack what `npm run build` made, without rebuilding dist/ under other tests.
    const packed = await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", work], ROOT);
    const [info] = JSON.parse(packed.stdout) as Array<{
      name: string;
      filename: string;
      files: { path: string }[];
    }>;
    expect(info!.name).toBe("apikit-ts");
    const files = info!.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining(["dist/index.js", "dist/cli/main.js", "scripts/check-node.cjs"]),
    );
    expect(files.filter((f) => f.startsWith("src/") || f.startsWith("tests/"))).toEqual([]);

    await consumer(join(work, "from-tarball"), join(work, info!.filename));
    const lock = JSON.parse(await readFile(join(work, "from-tarball", "package-lock.json"), "utf8")) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    // No install script of ours runs in a consumer's install (the Node check lives in prepare).
    expect(lock.packages["node_modules/apikit-ts"]?.hasInstallScript).toBeUndefined();

    // A link to this clone; --ignore-scripts keeps its prepare from rebuilding dist/ under other tests.
    await consumer(join(work, "from-clone"), ROOT, ["--ignore-scripts"]);
  }, 240_000);
});
