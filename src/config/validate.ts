// Turns zod failures into one ConfigError that lists every problem with its path.
import type { z } from "zod";
import { ConfigError, type ConfigIssue } from "../errors.js";

export function formatIssuePath(path: ReadonlyArray<PropertyKey>, root?: string): string {
  const parts = path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  const joined = `${root ?? ""}${parts}`.replace(/^\./, "");
  return joined === "" ? "(root)" : joined;
}

export function parseConfig<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  root?: string,
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: ConfigIssue[] = result.error.issues.map((issue) => {
    const keys = issue.code === "unrecognized_keys" ? ` (${issue.keys.join(", ")})` : "";
    return { path: formatIssuePath(issue.path, root), message: `${issue.message}${keys}` };
  });
  const lines = issues.map((i) => `  - ${i.path}: ${i.message}`).join("\n");
  throw new ConfigError(`Invalid ${what}:\n${lines}`, issues);
}
