// The "try:" line `apikit demo` ends with: a query on demo.duckdb that runs with what this machine has.
// The DuckDB CLI when it is on PATH; otherwise node with @duckdb/node-api, which wrote the file, so it
// is installed (an optional dependency of apikit-ts), resolved from the working directory when it can be.
import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, join } from "node:path";

export const DEMO_QUERY =
  "SELECT status, count(*)::INT AS orders FROM orders GROUP BY status ORDER BY status";

const NODE_API = "@duckdb/node-api";

/** A word for a POSIX shell, quoted only when it needs to be. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Whether an executable named `name` is on PATH. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const names = process.platform === "win32" ? [`${name}.exe`, `${name}.cmd`] : [name];
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const file of names) {
      try {
        accessSync(join(dir, file), constants.X_OK);
        return true;
      } catch {
        // not in this folder; look in the next one
      }
    }
  }
  return false;
}

/** How `node -e` in `cwd` reaches @duckdb/node-api: its bare name if it resolves there, else its path. */
function nodeApiSpecifier(cwd: string): string | undefined {
  try {
    createRequire(join(cwd, "noop.js")).resolve(NODE_API);
    return NODE_API;
  } catch {
    try {
      return createRequire(import.meta.url).resolve(NODE_API);
    } catch {
      return undefined;
    }
  }
}

/** A shell command that prints the orders per status of the demo's DuckDB file `dbPath`. */
export function demoQueryCommand(dbPath: string, cwd = process.cwd(), env = process.env): string {
  if (onPath("duckdb", env)) return `duckdb -readonly ${shellWord(dbPath)} -c ${shellWord(DEMO_QUERY)}`;
  const specifier = nodeApiSpecifier(cwd);
  if (!specifier)
    return `install the DuckDB CLI (https://duckdb.org/docs/installation), then: duckdb -readonly ${shellWord(dbPath)} -c ${shellWord(DEMO_QUERY)}`;
  const script =
    `const { DuckDBInstance } = require(${JSON.stringify(specifier)}); ` +
    `DuckDBInstance.create(${JSON.stringify(dbPath)}, { access_mode: "READ_ONLY" })` +
    ".then((db) => db.connect())" +
    `.then((c) => c.runAndReadAll(${JSON.stringify(DEMO_QUERY)}))` +
    ".then((r) => console.table(r.getRowObjectsJson()))";
  return `node -e ${shellWord(script)}`;
}
