// Inferred frame types compile in a user's `declaration: true` project (and so in tslab, which emits
// declarations for every cell): `export const df = await client.fetchPolars(...)` must be nameable
// from the user's file. Two installs of the built package: npm's hoisted one (nodejs-polars beside
// apikit-ts) and an isolated one (pnpm, npm link: nodejs-polars only inside apikit-ts), where only a
// re-export of the libraries' own types lets TypeScript write `import("apikit-ts").PolarsDataFrame`.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const exec = promisify(execFile);

const SNIPPET = `import { Apikit, inferPolarsSchema, recordsToArrow, recordsToPolars } from "apikit-ts";

const client = new Apikit({ baseUrl: "http://127.0.0.1:9" });
export const df = await client.fetchPolars("/orders");
export const table = await client.fetchArrow("/orders");
export const collected = await client.fetchPolars("/orders", { onInvalid: "collect" });
export const fromRecords = await recordsToPolars([{ id: 1 }]);
export const arrowFromRecords = await recordsToArrow([{ id: 1 }]);
export const schema = await inferPolarsSchema([{ id: 1 }]);
export async function load() {
  return client.fetchPolars("/orders");
}
export const height: number = df.height;
`;

const TSCONFIG = {
  compilerOptions: {
    module: "nodenext",
    target: "es2023",
    strict: true,
    declaration: true,
    outDir: "out",
    skipLibCheck: true,
    types: ["node"],
  },
  files: ["notebook.ts"],
};

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "apikit-types-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function project(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(join(dir, "node_modules/@types"), { recursive: true });
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "consumer", type: "module" }));
  await writeFile(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));
  await writeFile(join(dir, "notebook.ts"), SNIPPET);
  return dir;
}

/** Every .d.ts under `from`, copied to the same place under `to`. */
async function copyDeclarations(from: string, to: string): Promise<number> {
  let copied = 0;
  for (const entry of await readdir(from, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".d.ts")) continue;
    const source = join(entry.parentPath, entry.name);
    const target = join(to, relative(from, source));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(source, target);
    copied += 1;
  }
  return copied;
}

async function compile(dir: string): Promise<string> {
  const result = await exec(process.execPath, [TSC, "-p", dir], { cwd: dir, timeout: 60_000 }).catch(
    (error: { stdout?: string; stderr?: string }) => {
      throw new Error(`tsc failed in ${dir}:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
    },
  );
  expect(result.stdout).toBe("");
  return readFile(join(dir, "out/notebook.d.ts"), "utf8");
}

describe("inferred frame types in a declaration: true project", () => {
  it("compile where nodejs-polars and apache-arrow are only apikit's dependencies (pnpm, npm link)", async () => {
    const dir = await project("isolated");
    await symlink(ROOT, join(dir, "node_modules/apikit-ts"), "dir");
    await symlink(join(ROOT, "node_modules/@types/node"), join(dir, "node_modules/@types/node"), "dir");
    const declarations = await compile(dir);
    // Named through apikit's re-exports, since the user's project cannot name nodejs-polars.
    expect(declarations).toContain('export declare const df: import("apikit-ts").PolarsDataFrame<any>;');
    expect(declarations).toContain('export declare const table: import("apikit-ts").ArrowTable<any>;');
    expect(declarations).toContain('frame: import("apikit-ts").PolarsDataFrame;');
    expect(declarations).toContain(
      'export declare function load(): Promise<import("apikit-ts").PolarsDataFrame<any>>;',
    );
    expect(declarations).toMatch(/schema: Record<string, import\("apikit-ts"\)\.PolarsDataType<any>>/);
    expect(declarations).not.toContain("node_modules");
  });

  it("compile in npm's hoisted layout, where the libraries are the user's to name", async () => {
    const dir = await project("hoisted");
    const apikit = join(dir, "node_modules/apikit-ts");
    await mkdir(apikit);
    await copyFile(join(ROOT, "package.json"), join(apikit, "package.json"));
    expect(await copyDeclarations(join(ROOT, "dist"), join(apikit, "dist"))).toBeGreaterThan(10);
    for (const name of await readdir(join(ROOT, "node_modules"))) {
      if (name.startsWith(".") || name === "@types") continue;
      await symlink(join(ROOT, "node_modules", name), join(dir, "node_modules", name), "dir");
    }
    await symlink(join(ROOT, "node_modules/@types/node"), join(dir, "node_modules/@types/node"), "dir");
    const declarations = await compile(dir);
    expect(declarations).toMatch(
      /export declare const df: import\("(apikit-ts|nodejs-polars)"\)\.(PolarsDataFrame|DataFrame)<any>;/,
    );
    expect(declarations).not.toContain("node_modules");
  });
});
