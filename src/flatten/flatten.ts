// Flattening nested records for tabular outputs: objects become a__b__c columns, arrays become
// compact JSON strings. A hot path on millions of records, so it is one tight recursive walk.
import { OutputError } from "../errors.js";

export interface FlattenOptions {
  /** Separator between nested keys. Default "__". */
  sep?: string;
  /** Levels of nesting to expand; deeper objects are kept as JSON strings. Default unlimited. */
  maxDepth?: number;
}

/**
 * JSON.stringify that writes a bigint as a JSON number with all its digits: the one JSON writer for
 * records, request bodies, cursors and hashes. Not as a string: an API sent "9007199254740993" gets
 * a string where the caller's bigint meant an integer, and JSON numbers have no size limit.
 */
export function toJson(value: unknown, indent?: number): string {
  // A replacer slows JSON.stringify several times over, so it is only used when a bigint is present
  // (stringify throws on one): the common page pays nothing for exact big integers.
  try {
    return JSON.stringify(value, null, indent);
  } catch (error) {
    if (!(error instanceof TypeError) || !/BigInt/i.test(error.message)) throw unserializable(error);
    try {
      return JSON.stringify(value, bigintReplacer, indent);
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
/**
 * The walk keeps no list of the objects it is in (it is the hot path). An object this deep is checked
 * once for cycles instead, so a circular record fails here rather than after walking (and naming) a
 * thousand levels, which took half a second on a cycle with long keys.
 */
const CYCLE_CHECK_DEPTH = 64;

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

/** Receives the columns of one flattened record, in order: a name may come twice (the last wins). */
export type ColumnSink = (name: string, value: unknown) => void;

/**
 * Column names, built once per path: `prefix + sep + key` made a new string for every nested value of
 * every record, and V8 then had to look each one up in its string table to use it as a key (the largest
 * cost of flattening 200 000 realistic records). A trie per separator hands back the same string.
 */
interface NameNode {
  readonly name: string;
  /** The names under this one, or undefined when this name is not cached (then neither are they). */
  readonly children: Map<string, NameNode> | undefined;
}
/** Records with keys that never repeat (ids as keys) must not grow the cache without end. */
const MAX_CACHED_NAMES = 100_000;
/**
 * Longer names are built but not kept: a record nested hundreds of levels deep (or a circular one,
 * walked to the nesting limit) would otherwise leave names of thousands of characters each in the
 * cache, gigabytes of them over a fuzzed run.
 */
const MAX_CACHED_NAME_LENGTH = 256;
let cachedNames = 0;
const nameRoots = new Map<string, NameNode>();

function nameRoot(sep: string): NameNode {
  let root = nameRoots.get(sep);
  if (!root) {
    const cached = cachedNames < MAX_CACHED_NAMES && sep.length <= MAX_CACHED_NAME_LENGTH;
    root = { name: "", children: cached ? new Map() : undefined };
    if (cached) {
      nameRoots.set(sep, root);
      cachedNames += 1;
    }
  }
  return root;
}

function childName(node: NameNode, key: string, sep: string, top: boolean): NameNode {
  const known = node.children?.get(key);
  if (known) return known;
  // The top level is told by depth, not by an empty prefix: a "" key still gets its separator.
  const name = top ? key : node.name + sep + key;
  const parent = node.children;
  if (parent === undefined || cachedNames >= MAX_CACHED_NAMES || name.length > MAX_CACHED_NAME_LENGTH) {
    return { name, children: undefined };
  }
  const made: NameNode = { name, children: new Map() };
  parent.set(key, made);
  cachedNames += 1;
  return made;
}

function walk(
  sink: ColumnSink,
  node: NameNode,
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
    const column = childName(node, key, sep, depth === 1);
    if (v === null || typeof v !== "object") sink(column.name, v);
    else if (Array.isArray(v)) sink(column.name, toJson(v));
    else if (v instanceof Date) sink(column.name, dateText(v));
    else if (depth >= maxDepth) sink(column.name, toJson(v));
    else if (depth >= MAX_NESTING)
      throw new OutputError(`Cannot flatten a record nested more than ${MAX_NESTING} levels deep.`);
    else {
      // toJson throws the "contains itself" OutputError on a cycle.
      if (depth === CYCLE_CHECK_DEPTH) toJson(v);
      walk(sink, column, v as Record<string, unknown>, sep, depth + 1, maxDepth);
    }
  }
  // An empty nested object keeps its column, as null (tabular outputs leave that column out where other
  // records have children under it: SchemaBuilder.columns).
  if (empty && depth > 1) sink(node.name, null);
}

/**
 * Flattens a record into a sink, column by column, without building an object: the frames collect
 * columns directly. A record that is not an object is one column, "value".
 */
export function flattenInto(record: unknown, sink: ColumnSink, options: FlattenOptions = {}): void {
  const sep = options.sep ?? "__";
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  if (!isPlainObject(record)) {
    if (Array.isArray(record)) sink("value", toJson(record));
    else sink("value", record instanceof Date ? dateText(record) : record);
    return;
  }
  try {
    walk(sink, nameRoot(sep), record, sep, 1, maxDepth);
  } catch (error) {
    // The walk keeps no list of the objects it is in (it is the hot path), so a circular record runs
    // into the nesting limit (or the stack's): toJson, which does check, then says it is circular.
    if (!(error instanceof OutputError) && !isStackOverflow(error)) throw error;
    toJson(record);
    throw error instanceof OutputError
      ? error
      : new OutputError("Cannot flatten a record nested too deep for the stack.", { cause: error });
  }
}

export function flattenRecord(record: unknown, options: FlattenOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  flattenInto(record, (name, value) => setColumn(out, name, value), options);
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
