// Flattening nested records for tabular outputs: objects become a__b__c columns, arrays become
// compact JSON strings. A hot path on millions of records, so it is one tight recursive walk.
import { OutputError } from "../errors.js";

export interface FlattenOptions {
  /** Separator between nested keys. Default "__". */
  sep?: string;
  /** Levels of nesting to expand; deeper objects are kept as JSON strings. Default unlimited. */
  maxDepth?: number;
}

/** JSON.stringify that writes bigint values as their exact digits. */
export function toJson(value: unknown): string {
  // A replacer slows JSON.stringify several times over, so it is only used when a bigint is present
  // (stringify throws on one): the common page pays nothing for exact big integers.
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError) || !/BigInt/i.test(error.message)) throw unserializable(error);
    try {
      return JSON.stringify(value, bigintReplacer);
    } catch (retryError) {
      throw unserializable(retryError);
    }
  }
}

// JSON.rawJSON (Node 21+) writes the digits as they are: no marker string that data could also hold.
const { rawJSON } = JSON as unknown as { rawJSON(text: string): unknown };
function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? rawJSON(value.toString()) : value;
}

const isStackOverflow = (error: unknown) => error instanceof RangeError && /call stack/i.test(error.message);

/** A record JSON cannot hold (circular, or nested deeper than the stack) as an OutputError. */
function unserializable(error: unknown): unknown {
  if (error instanceof TypeError && /circular/i.test(error.message))
    return new OutputError("Cannot write a record that contains itself (a circular reference).", {
      cause: error,
    });
  if (isStackOverflow(error))
    return new OutputError("Cannot write a record nested too deep for the stack.", { cause: error });
  return error;
}

/** Deeper than this a record is circular, or not data any API sends: flattening it fails. */
const MAX_NESTING = 1000;

/** A Date as ISO text; an invalid one as null, as JSON.stringify writes it (toISOString throws). */
function dateText(date: Date): string | null {
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** out[name] = value, as an own key even for "__proto__" (which plain assignment treats as the prototype). */
function setColumn(out: Record<string, unknown>, name: string, value: unknown): void {
  if (name === "__proto__")
    Object.defineProperty(out, name, { value, writable: true, enumerable: true, configurable: true });
  else out[name] = value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function walk(
  out: Record<string, unknown>,
  prefix: string,
  value: Record<string, unknown>,
  sep: string,
  depth: number,
  maxDepth: number,
): void {
  let empty = true;
  for (const key in value) {
    const v = value[key];
    if (v === undefined) continue;
    empty = false;
    // The top level is told by depth, not by an empty prefix: a "" key still gets its separator.
    const name = depth === 1 ? key : prefix + sep + key;
    if (v === null || typeof v !== "object") setColumn(out, name, v);
    else if (Array.isArray(v)) setColumn(out, name, toJson(v));
    else if (v instanceof Date) setColumn(out, name, dateText(v));
    else if (depth >= maxDepth) setColumn(out, name, toJson(v));
    else if (depth >= MAX_NESTING)
      throw new OutputError(`Cannot flatten a record nested more than ${MAX_NESTING} levels deep.`);
    else walk(out, name, v as Record<string, unknown>, sep, depth + 1, maxDepth);
  }
  // An empty nested object keeps its column, as null.
  if (empty && depth > 1) setColumn(out, prefix, null);
}

export function flattenRecord(record: unknown, options: FlattenOptions = {}): Record<string, unknown> {
  const sep = options.sep ?? "__";
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  if (!isPlainObject(record)) {
    if (Array.isArray(record)) return { value: toJson(record) };
    return { value: record instanceof Date ? dateText(record) : record };
  }
  const out: Record<string, unknown> = {};
  try {
    walk(out, "", record, sep, 1, maxDepth);
  } catch (error) {
    // The walk keeps no list of the objects it is in (it is the hot path), so a circular record runs
    // into the nesting limit (or the stack's): toJson, which does check, then says it is circular.
    if (!(error instanceof OutputError) && !isStackOverflow(error)) throw error;
    toJson(record);
    throw error instanceof OutputError
      ? error
      : new OutputError("Cannot flatten a record nested too deep for the stack.", { cause: error });
  }
  return out;
}

export function flattenRecords(
  records: Iterable<unknown>,
  options: FlattenOptions = {},
): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const record of records) out.push(flattenRecord(record, options));
  return out;
}
