// Per-record operations of the fetch methods: validation of the record as the API sent it (a user's
// zod schema), then select, exclude, rename and transform on what the schema gave back. Compiled once
// per call into one function applied to each record.
import { type RecordIssue, RecordValidationError } from "../errors.js";
import { getPath, type PathSegment, parsePath, setPath } from "../pagination/index.js";
import type { OnInvalid, RecordOptions } from "./call-options.js";

export type { OnInvalid, RecordOptions };

export interface InvalidRecord {
  /** Its position among the records of the pull (0-based). */
  index: number;
  record: unknown;
  issues: RecordIssue[];
}

/** Applies the steps to one record; returns undefined to drop it. `index` counts records of the pull. */
export type RecordStep = (record: unknown, index: number) => unknown;

function deletePath(record: unknown, path: string, pruneEmptied = false): void {
  deleteAt(record, parsePath(path), pruneEmptied);
}

function deleteAt(record: unknown, segments: PathSegment[], pruneEmptied: boolean): void {
  const parentPath = segments.slice(0, -1);
  const last = segments[segments.length - 1];
  const parent = parentPath.length === 0 ? record : getPath(record, parentPath);
  if (last === undefined || !parent || typeof parent !== "object") return;
  delete (parent as Record<string, unknown>)[String(last)];
  // A value renamed out of its object leaves no empty shell behind ({ owner: {} } after owner.login moved).
  if (pruneEmptied && parentPath.length > 0 && !Array.isArray(parent) && Object.keys(parent).length === 0)
    deleteAt(record, parentPath, true);
}

/**
 * The record steps of a call, or undefined when it has none. A record failing the schema raises, or
 * (skip, collect) is dropped and handed to `invalid`.
 */
export function compileRecordSteps(
  options: RecordOptions,
  invalid: (record: InvalidRecord) => void,
): RecordStep | undefined {
  const { select, exclude, rename, transform, schema } = options;
  const onInvalid = options.onInvalid ?? "raise";
  if (!select && !exclude && !rename && !transform && !schema) return undefined;
  return (input, index) => {
    let record = input;
    if (schema) {
      const result = schema.safeParse(record);
      if (!result.success) {
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
        invalid({ index, record, issues });
        return undefined;
      }
      record = result.data;
    }
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
        deletePath(record, from, true);
        setPath(record as Record<string, unknown>, to, value);
      }
    }
    if (transform) record = transform(record as Record<string, unknown>);
    return record;
  };
}

/** What a pull's invalid records come to: the collected ones, and for "skip" one warning at the end. */
export class InvalidRecords {
  count = 0;
  #first: InvalidRecord | undefined;
  #pending: InvalidRecord[] = [];

  constructor(readonly mode: OnInvalid) {}

  readonly add = (record: InvalidRecord): void => {
    this.count += 1;
    this.#first ??= record;
    if (this.mode === "collect") this.#pending.push(record);
  };

  /** The records collected since the last call (each page takes its own). */
  take(): InvalidRecord[] {
    const taken = this.#pending;
    this.#pending = [];
    return taken;
  }

  /** The warning "skip" owes the user, once per pull: how many were dropped and the first reason. */
  summary(): string | undefined {
    const first = this.#first;
    if (this.mode !== "skip" || !first) return undefined;
    const issue = first.issues[0];
    const reason = issue ? `${issue.path}: ${issue.message}` : "does not match the schema";
    const records = this.count === 1 ? "1 record" : `${this.count} records`;
    return `skipped ${records} that did not match the schema (onInvalid: "skip"); the first, record ${first.index}: ${reason}`;
  }
}
