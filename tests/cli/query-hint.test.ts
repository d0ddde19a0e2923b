// The query `apikit demo` suggests: the DuckDB CLI's only when duckdb is on PATH, words quoted so that
// the shell gives them back unchanged. (tests/demo/cli.test.ts runs the node form for real.)
import { execFile } from "node:child_process";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEMO_QUERY, demoQueryCommand, onPath, shellWord } from "../../src/cli/query-hint.js";

const sh = promisify(execFile);

describe("the demo's query hint", () => {
  it("uses the DuckDB CLI when an executable duckdb is on PATH, node otherwise", async () => {
    const bin = await mkdtemp(join(tmpdir(), "apikit-bin-"));
    const empty = await mkdtemp(join(tmpdir(), "apikit-empty-"));
    expect(onPath("duckdb", { PATH: bin })).toBe(false);
    await writeFile(join(bin, "duckdb"), "#!/bin/sh\n");
    expect(onPath("duckdb", { PATH: bin })).toBe(false); // not executable yet
    await chmod(join(bin, "duckdb"), 0o755);
    expect(demoQueryCommand("apikit-demo/demo.duckdb", empty, { PATH: `${empty}:${bin}` })).toBe(
      `duckdb -readonly apikit-demo/demo.duckdb -c '${DEMO_QUERY}'`,
    );
    const viaNode = demoQueryCommand("apikit-demo/demo.duckdb", process.cwd(), { PATH: empty });
    expect(viaNode).toMatch(/^node -e 'const \{ DuckDBInstance \} = require\("@duckdb\/node-api"\)/);
  });

  it("quotes any path so that the shell reads it back unchanged", async () => {
    const word = fc.string({ unit: "binary", minLength: 1, maxLength: 20 }).filter((s) => !s.includes("\0"));
    await fc.assert(
      fc.asyncProperty(word, async (text) => {
        const { stdout } = await sh("/bin/sh", ["-c", `printf %s ${shellWord(text)}`]);
        expect(stdout).toBe(text);
      }),
      { numRuns: 40 },
    );
    expect(shellWord("apikit-demo/demo.duckdb")).toBe("apikit-demo/demo.duckdb");
    expect(shellWord("it's here/demo.duckdb")).toBe(`'it'\\''s here/demo.duckdb'`);
  });
});
