// Flattening nested records for tabular outputs: objects become a__b__c columns, arrays become
// compact JSON strings. A hot path on millions of records, so it is one tight recursive walk.

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
    if (!(error instanceof TypeError) || !/BigInt/i.test(error.message)) throw error;
    return JSON.stringify(value, bigintReplacer, 0).replace(BIGINT_MARK, "$1");
  }
}

const BIGINT_MARK = /"\\u0000bigint:(-?\d+)"/g;
function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? `\u0000bigint:${value}` : value;
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
    const name = prefix === "" ? key : prefix + sep + key;
    if (v === null || typeof v !== "object") out[name] = v;
    else if (Array.isArray(v)) out[name] = toJson(v);
    else if (v instanceof Date) out[name] = v.toISOString();
    else if (depth >= maxDepth) out[name] = toJson(v);
    else walk(out, name, v as Record<string, unknown>, sep, depth + 1, maxDepth);
  }
  // An empty nested object keeps its column, as null.
  if (empty && prefix !== "") out[prefix] = null;
}

export function flattenRecord(record: unknown, options: FlattenOptions = {}): Record<string, unknown> {
  const sep = options.sep ?? "__";
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  if (!isPlainObject(record)) {
    if (Array.isArray(record)) return { value: toJson(record) };
    return { value: record instanceof Date ? record.toISOString() : record };
  }
  const out: Record<string, unknown> = {};
  walk(out, "", record, sep, 1, maxDepth);
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
