// Schema inference over all records (not a sample), with type widening. The unified schema is what
// tabular writers use, so a column that first appears on page 50 is still there.

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

export class SchemaBuilder {
  readonly #columns = new Map<string, ColumnState>();
  #records = 0;

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

  get columns(): Column[] {
    return [...this.#columns].map(([name, s]) => ({
      name,
      type: s.type,
      nullable: s.nonNull < this.#records,
    }));
  }

  toObject(): Record<string, ColumnType> {
    return Object.fromEntries([...this.#columns].map(([name, s]) => [name, s.type]));
  }
}

export function inferSchema(records: Iterable<Record<string, unknown>>): Column[] {
  return new SchemaBuilder().addAll(records).columns;
}
