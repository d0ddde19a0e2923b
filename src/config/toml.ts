// Reading and writing the TOML config file: parse errors carry the file and line, and writes are
// atomic (a temp file beside the target, then rename) with mode 0600 in a 0700 directory.
import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { parse, stringify, TomlError, type TomlTable } from "smol-toml";
import { ConfigError } from "../errors.js";
import { writeFileAtomic } from "../util/atomic-write.js";

export interface TomlFile {
  data: TomlTable;
  /** Permission bits of the file as it was read (e.g. 0o600). */
  mode: number;
}

/** Reads and parses `path`; undefined when the file does not exist. */
export async function readTomlFile(path: string): Promise<TomlFile | undefined> {
  let text: string;
  let mode: number;
  try {
    // fstat on the open handle: the mode we check is the mode of the bytes we read.
    await using handle = await open(path, "r");
    mode = (await handle.stat()).mode & 0o777;
    text = await handle.readFile("utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(`Cannot read the config file ${path}: ${(error as Error).message}`);
  }
  try {
    return { data: parse(text), mode };
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // smol-toml's message is "Invalid TOML document: <reason>" followed by a code excerpt.
    const reason = error.message.split("\n")[0]!.replace(/^Invalid TOML document:\s*/, "");
    const where = `${path}:${error.line}:${error.column}`;
    const invalid = `The config file ${path} is not valid TOML: line ${error.line}, column ${error.column}: ${reason}\n${withoutValues(error.codeblock)}`;
    // The mode is checked whatever the content: a file others can read may hold secrets even when
    // it does not parse, and fixing its syntax would not make it private.
    if (isExposed(mode)) {
      throw new ConfigError(`${exposedMessage(path, mode, "may hold secrets")}\n${invalid}`, [
        { path, message: "readable by group or others" },
        { path: where, message: reason },
      ]);
    }
    throw new ConfigError(invalid, [{ path: where, message: reason }]);
  }
}

/** Group or others may read it (POSIX modes; Windows has none to check). */
export function isExposed(mode: number): boolean {
  return process.platform !== "win32" && (mode & 0o077) !== 0;
}

/** "The config file … <what> but other users can access it (mode 644). Restrict it with: chmod 600 …" */
export function exposedMessage(path: string, mode: number, what: string): string {
  const octal = (mode & 0o777).toString(8).padStart(3, "0");
  return `The config file ${path} ${what} but other users can access it (mode ${octal}). Restrict it with: chmod 600 ${path}`;
}

/**
 * smol-toml's excerpt of the lines around a parse error, with table headers and keys but no values:
 * the file may hold secrets (storeSecret "file", a header), and error messages get printed and shared.
 */
function withoutValues(codeblock: string): string {
  return codeblock
    .split("\n")
    .map((line) => {
      const numbered = /^(\s*\d+\s*:\s*)(.*)$/.exec(line);
      // The caret line, or the empty end.
      if (!numbered) return line;
      const [, prefix, content] = numbered as unknown as [string, string, string];
      if (content.trim() === "") return line;
      const table = /^\s*\[\[?[^\]=#]*\]\]?/.exec(content)?.[0];
      if (table) return `${prefix}${table}`;
      const key = /^(\s*[\w."' -]+?)\s*=/.exec(content)?.[1];
      return `${prefix}${key === undefined ? "…" : `${key} = …`}`;
    })
    .join("\n");
}

/** Writes `data` as TOML to `path` atomically, with mode 0600; creates the directory with mode 0700. */
export async function writeTomlFile(path: string, data: TomlTable, header: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, `${header}\n\n${stringify(data)}\n`, { mode: 0o600 });
  } catch (error) {
    throw new ConfigError(`Cannot write the config file ${path}: ${(error as Error).message}`);
  }
}
