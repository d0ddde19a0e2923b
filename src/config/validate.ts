// Turns zod failures into one ConfigError that lists every problem with its path; an unknown key gets
// a "did you mean" from the keys the schema knows at that place.
import { ZodError, type z } from "zod";
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

/** An option of apikit's read under another name (iki-apikit's): alias → apikit's name. */
export type OptionAliases = Readonly<Record<string, string>>;

/**
 * The options of a public constructor (or function), checked against its strict schema: a ConfigError
 * naming `owner` and every wrong or unknown key, an unknown one with a "did you mean" among the names
 * it takes (aliases included). An alias is read as apikit's name (`{ minRemaining: "threshold" }`);
 * both spellings of one option at once is a ConfigError. Undefined options are `{}`.
 */
export function parseOptions<S extends z.ZodObject>(
  schema: S,
  options: unknown,
  owner: string,
  aliases: OptionAliases = {},
): z.infer<S> {
  const what = `${owner} options`;
  let input = options ?? {};
  // The name each option was given under, when it was an alias.
  const given = new Map<string, string>();
  if (typeof input === "object" && !Array.isArray(input)) {
    const copy: Record<string, unknown> = { ...input };
    for (const [alias, name] of Object.entries(aliases)) {
      const value = copy[alias];
      delete copy[alias];
      if (value === undefined) continue;
      if (copy[name] !== undefined) {
        const message = `${alias} and ${name} are the same option (${alias} is iki-apikit's name): keep one`;
        throw new ConfigError(`Invalid ${what}:\n  - ${alias}: ${message}`, [{ path: alias, message }]);
      }
      copy[name] = value;
      given.set(name, alias);
    }
    input = copy;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const alias = given.get(String(issue.path[0]));
    return alias === undefined ? issue : { ...issue, path: [alias, ...issue.path.slice(1)] };
  });
  // The aliases are names it takes too, for the "did you mean".
  const known = schema.extend(
    Object.fromEntries(Object.entries(aliases).map(([alias, name]) => [alias, schema.shape[name]!])),
  );
  throw configError(known, new ZodError(issues), what);
}
