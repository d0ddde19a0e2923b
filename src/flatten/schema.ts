// Schema inference over all records (not a sample), with type widening. The unified schema is what
// tabular writers use, so a column that first appears on page 50 is still there; it is one column set
// per path across all records, so a parent that is only ever null beside its children is left out.

export type ColumnType = "null" | "boolean" | "integer" | "bigint" | "float" | "string";

export interface Column {
  name: string;
  type: ColumnType;
  nullable: boolean;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function inferType(value: unknown): ColumnType {
  switch (typeof value) {
    case "boolean":
      return "boolean";
    case "bigint":
      // Beyond int64 no integer column holds it exactly: keep its digits as text.
      return value >= INT64_MIN && value <= INT64_MAX ? "bigint" : "string";
    case "number":
      // 1e20 is an integer to JS but not an exact one: a float column keeps it as it is.
      return Number.isSafeInteger(value) ? "integer" : "float";
    case "string":
      return "string";
    default:
      return value === null || value === undefined ? "null" : "string";
  }
}

/**
 * The narrowest type that holds both. null mixes with anything; integer+float → float;
 * integer+bigint → bigint; bigint+float → string (no float type holds those integers exactly);
 * boolean with any number → string; anything with string → string.
 */
export function widenType(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b) return a;
  if (a === "null") return b;
  if (b === "null") return a;
  if (a === "string" || b === "string" || a === "boolean" || b === "boolean") return "string";
  const pair = new Set([a, b]);
  if (pair.has("integer") && pair.has("float")) return "float";
  if (pair.has("integer") && pair.has("bigint")) return "bigint";
  return "string";
}

interface ColumnState {
  type: ColumnType;
  nonNull: number;
}

export interface SchemaOptions {
  /** The separator the records were flattened with. Default "__". */
  sep?: string;
}

export class SchemaBuilder {
  readonly #columns = new Map<string, ColumnState>();
  readonly #sep: string;
  #records = 0;

  constructor(options: SchemaOptions = {}) {
    this.#sep = options.sep ?? "__";
  }

  add(record: Record<string, unknown>): void {
    this.#records += 1;
    for (const name in record) {
      const value = record[name];
      const type = inferType(value);
      let state = this.#columns.get(name);
      if (!state) {
        state = { type, nonNull: 0 };
        this.#columns.set(name, state);
      } else if (state.type !== type) state.type = widenType(state.type, type);
      if (type !== "null") state.nonNull += 1;
    }
  }

  /**
   * A batch of `rows` records given column by column (values[i] is row i's; undefined or null where a
   * row has none): the same typing as add() over each row, without an object per row.
   */
  addColumns(rows: number, columns: Iterable<[string, ArrayLike<unknown>]>): this {
    this.#records += rows;
    for (const [name, values] of columns) {
      let type: ColumnType = "null";
      let nonNull = 0;
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (value === undefined || value === null) continue;
        nonNull += 1;
        const next = inferType(value);
        if (next !== type) type = widenType(type, next);
      }
      const state = this.#columns.get(name);
      if (!state) this.#columns.set(name, { type, nonNull });
      else {
        state.type = widenType(state.type, type);
        state.nonNull += nonNull;
      }
    }
    return this;
  }

  addAll(records: Iterable<Record<string, unknown>>): this {
    for (const record of records) this.add(record);
    return this;
  }

  merge(other: SchemaBuilder): this {
    this.#records += other.#records;
    for (const [name, theirs] of other.#columns) {
      const ours = this.#columns.get(name);
      if (!ours) this.#columns.set(name, { ...theirs });
      else {
        ours.type = widenType(ours.type, theirs.type);
        ours.nonNull += theirs.nonNull;
      }
    }
    return this;
  }

  get recordCount(): number {
    return this.#records;
  }

  /**
   * The columns in first-seen order, without the null-only parents (see #emptyParents): what every
   * tabular output has.
   */
  get columns(): Column[] {
    const left = this.#emptyParents();
    const out: Column[] = [];
    for (const [name, s] of this.#columns)
      if (!left.has(name)) out.push({ name, type: s.type, nullable: s.nonNull < this.#records });
    return out;
  }

  /** `{ name: type }` of the same columns as `columns`. */
  toObject(): Record<string, ColumnType> {
    return Object.fromEntries(this.columns.map((c) => [c.name, c.type]));
  }

  /**
   * Columns that are only ever null (or missing) and the parent of another (whose name starts with
   * `name + sep`): `shipping: null` or `{}` in one record beside `shipping: { city }` in another.
   * One column set per path: there the null only makes the children null, so an all-null `shipping`
   * column beside `shipping__city` says nothing. A parent with a value somewhere (a scalar, or an
   * array's JSON) keeps its column. Worked out from the names when the columns are read, not per
   * record; by name, so a key that holds the separator itself (`"a__b": 1`) counts as a child too.
   * An empty separator joins names with nothing, so no name tells a parent: nothing is left out.
   */
  #emptyParents(): Set<string> {
    const nullOnly = new Set<string>();
    for (const [name, s] of this.#columns) if (s.nonNull === 0) nullOnly.add(name);
    return parentsAmong(this.#columns.keys(), nullOnly, this.#sep);
  }
}

/**
 * Of `candidates`, those that are by name the parent of one of `names` (which starts with
 * `candidate + sep`): the columns one column set per path leaves out when they hold no value.
 * Every place the separator starts counts, overlapping ones too ("a___b" under "__" has a and a_);
 * an empty separator tells no parent.
 */
export function parentsAmong(
  names: Iterable<string>,
  candidates: ReadonlySet<string>,
  sep: string,
): Set<string> {
  const parents = new Set<string>();
  if (sep === "" || candidates.size === 0) return parents;
  for (const name of names) {
    for (let at = name.indexOf(sep); at !== -1; at = name.indexOf(sep, at + 1)) {
      const parent = name.slice(0, at);
      if (candidates.has(parent)) parents.add(parent);
    }
  }
  return parents;
}

/** The unified columns of flattened records (see SchemaBuilder.columns); `sep` as they were flattened with. */
export function inferSchema(
  records: Iterable<Record<string, unknown>>,
  options: SchemaOptions = {},
): Column[] {
  return new SchemaBuilder(options).addAll(records).columns;
}
