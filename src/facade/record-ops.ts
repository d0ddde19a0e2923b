// Per-record operations of the fetch methods: select, exclude, rename, transform, then validation
// with a user's zod schema. Compiled once per call into one function applied to each record.
import type { z } from "zod";
import { type RecordIssue, RecordValidationError } from "../errors.js";
import { getPath, parsePath, setPath } from "../pagination/index.js";

export type OnInvalid = "raise" | "skip" | "collect";

export interface RecordOptions<T = unknown> {
  /** Dot paths to keep; nested paths keep their nesting ("owner.login" → { owner: { login } }). */
  select?: string[];
  /** Dot paths to drop. */
  exclude?: string[];
  /** Old name → new name (dot paths allowed on both sides). */
  rename?: Record<string, string>;
  /** Last step before validation; return undefined to drop the record. */
  transform?: (record: Record<string, unknown>) => unknown;
  /** Validate every record (after the steps above). */
  schema?: z.ZodType<T>;
  onInvalid?: OnInvalid;
}

export interface InvalidRecord {
  index: number;
  record: unknown;
  issues: RecordIssue[];
}

/** Applies the steps to one record; returns undefined to drop it. `index` counts records of the pull. */
export type RecordStep = (record: unknown, index: number) => unknown;

function deletePath(record: unknown, path: string): void {
  const segments = parsePath(path);
  const last = segments.pop();
  const parent = segments.length === 0 ? record : getPath(record, segments);
  if (last !== undefined && parent && typeof parent === "object")
    delete (parent as Record<string, unknown>)[String(last)];
}

export function compileRecordSteps(options: RecordOptions, invalid: InvalidRecord[]): RecordStep | undefined {
  const { select, exclude, rename, transform, schema } = options;
  const onInvalid = options.onInvalid ?? "raise";
  if (!select && !exclude && !rename && !transform && !schema) return undefined;
  return (input, index) => {
    let record = input;
    if (select && record && typeof record === "object") {
      const picked: Record<string, unknown> = {};
      for (const path of select) {
        const value = getPath(record, path);
        if (value !== undefined) setPath(picked, path, value);
      }
      record = picked;
    }
    if (exclude) for (const path of exclude) deletePath(record, path);
    if (rename && record && typeof record === "object") {
      for (const [from, to] of Object.entries(rename)) {
        const value = getPath(record, from);
        if (value === undefined) continue;
        deletePath(record, from);
        setPath(record as Record<string, unknown>, to, value);
      }
    }
    if (transform) {
      record = transform(record as Record<string, unknown>);
      if (record === undefined) return undefined;
    }
    if (schema) {
      const result = schema.safeParse(record);
      if (result.success) return result.data;
      const issues = result.error.issues.map((i) => ({
        index,
        path: i.path.map(String).join(".") || "(record)",
        message: i.message,
      }));
      if (onInvalid === "raise") {
        const list = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
        throw new RecordValidationError(`record ${index} does not match the schema: ${list}`, {
          index,
          issues,
          record,
        });
      }
      if (onInvalid === "collect") invalid.push({ index, record, issues });
      return undefined;
    }
    return record;
  };
}
