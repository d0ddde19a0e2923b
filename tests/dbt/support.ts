// Helpers for the dbt tests: an RFC 4180 CSV reader, scratch project folders, YAML read back.
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parse } from "yaml";

/** Rows of a CSV as written by the csv writer: quoted fields may hold commas, quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows;
}

export function scratchDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "apikit-dbt-"));
}

/** Every file under `dir`, relative, sorted ([] when `dir` does not exist). */
export async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

export async function readYaml<T = Record<string, unknown>>(path: string): Promise<T> {
  return parse(await readFile(path, "utf8")) as T;
}

export interface SourcesFile {
  version: number;
  sources: Array<{
    name: string;
    database?: string;
    schema?: string;
    tables: Array<{ name: string; description?: string; columns?: Array<Record<string, unknown>> }>;
  }>;
}

export interface ModelFile {
  version: number;
  seeds: Array<{
    name: string;
    description: string;
    config: { column_types: Record<string, string>; tags?: string[]; meta?: Record<string, unknown> };
    columns: Array<{
      name: string;
      data_type: string;
      description: string;
      tests?: string[];
      quote?: boolean;
    }>;
  }>;
}
