// The small JSON files a pull keeps between runs (the checkpoint, the incremental state): read whole
// and checked against their schema, so a damaged or foreign file stops with its path and field.
import { readFile } from "node:fs/promises";
import type { z } from "zod";
import { parseIssues } from "../config/index.js";
import type { ConfigIssue } from "../errors.js";
import { parseJson } from "../http/index.js";

/** Why a state file cannot be used; each caller words it (and picks the error class) for its file. */
export type StateFileProblem =
  | { kind: "unreadable"; error: Error }
  | { kind: "not-json"; error: Error }
  | { kind: "invalid"; json: unknown; issues: ConfigIssue[] };

/** The file as the schema parses it, or undefined when there is none yet. */
export async function readStateFile<S extends z.ZodType>(
  path: string,
  schema: S,
  problem: (problem: StateFileProblem) => Error,
): Promise<z.output<S> | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw problem({ kind: "unreadable", error: error as Error });
  }
  return parseState(text, schema, problem);
}

/** A state kept somewhere else than a file (the cluster keeps checkpoints in Redis), checked the same way. */
export function parseState<S extends z.ZodType>(
  text: string,
  schema: S,
  problem: (problem: StateFileProblem) => Error,
): z.output<S> {
  let json: unknown;
  try {
    // Big integers (a cursor in a saved request body) come back as the bigints they were.
    json = parseJson(text);
  } catch (error) {
    throw problem({ kind: "not-json", error: error as Error });
  }
  const result = schema.safeParse(json);
  if (!result.success) throw problem({ kind: "invalid", json, issues: parseIssues(schema, result.error) });
  return result.data;
}
