// Turns zod failures into one ConfigError that lists every problem with its path; an unknown key gets
// a "did you mean" from the keys the schema knows at that place.
import type { z } from "zod";
import { ConfigError, type ConfigIssue } from "../errors.js";
import { closeMatches } from "../util/suggest.js";

export function formatIssuePath(path: ReadonlyArray<PropertyKey>, root?: string): string {
  const parts = path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  const joined = `${root ?? ""}${parts}`.replace(/^\./, "");
  return joined === "" ? "(root)" : joined;
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
}

const defOf = (schema: unknown): SchemaDef | undefined =>
  (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;

/** The object schemas that may sit at `path` (through optional, default, pipe and union wrappers). */
function objectsAt(schema: unknown, path: ReadonlyArray<PropertyKey>): SchemaDef[] {
  const def = defOf(schema);
  if (!def) return [];
  if (def.innerType) return objectsAt(def.innerType, path);
  if (def.type === "pipe" && def.in) return objectsAt(def.in, path);
  if (def.options) return def.options.flatMap((option) => objectsAt(option, path));
  if (def.type !== "object" || !def.shape) return [];
  if (path.length === 0) return [def];
  const [head, ...rest] = path;
  const child = def.shape[String(head)];
  return child ? objectsAt(child, rest) : [];
}

/** What to say about a key the schema does not know: close matches among the keys it does. */
export function unknownKeyMessage(schema: z.ZodType, path: ReadonlyArray<PropertyKey>, key: string): string {
  // Compared case-insensitively ("pagesize" → pageSize), named as the schema spells them.
  const known = new Map(
    objectsAt(schema, path).flatMap((def) => Object.keys(def.shape ?? {}).map((k) => [k.toLowerCase(), k])),
  );
  const close = closeMatches(key, known.keys(), 3).map((k) => known.get(k)!);
  const hint =
    close.length === 0
      ? ""
      : ` (did you mean ${close.length === 1 ? close[0] : `one of ${close.join(", ")}`}?)`;
  return `unknown option "${key}"${hint}`;
}

export function parseConfig<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  root?: string,
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw configError(schema, result.error, what, root);
}

/** Every issue of a failed parse with its path (unknown keys one by one, with a "did you mean"). */
export function parseIssues(schema: z.ZodType, error: z.ZodError, root?: string): ConfigIssue[] {
  return error.issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: formatIssuePath([...issue.path, key], root),
        message: unknownKeyMessage(schema, issue.path, key),
      }));
    }
    return [{ path: formatIssuePath(issue.path, root), message: issue.message }];
  });
}

/** Issues as every message lists them: one indented "- path: message" line each. */
export function issueLines(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n");
}

/** One ConfigError for every issue of a failed parse, each with its path (unknown keys one by one). */
export function configError(schema: z.ZodType, error: z.ZodError, what: string, root?: string): ConfigError {
  const issues = parseIssues(schema, error, root);
  return new ConfigError(`Invalid ${what}:\n${issueLines(issues)}`, issues);
}
