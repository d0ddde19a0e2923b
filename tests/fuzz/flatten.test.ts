// Fuzzing flattening, toJson and schema inference with arbitrary values (bigint, Dates valid and
// invalid, null-prototype objects, sparse and typed arrays, Maps, boxed values, deep nesting, cycles):
// a flat row of scalars or an OutputError, never a RangeError or a TypeError.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OutputError } from "../../src/errors.js";
import { flattenRecord, toJson } from "../../src/flatten/flatten.js";
import { type ColumnType, inferType, SchemaBuilder, widenType } from "../../src/flatten/schema.js";
import { garbage, RUNS, settle, TEST_TIMEOUT_MS } from "./support.js";

const key = fc.oneof(
  { weight: 3, arbitrary: garbage },
  fc.constantFrom("__proto__", "constructor", "toString", "a__b", "", "0", "\u0000bigint:5", "value"),
);
const bigint = fc.bigInt({ min: -(2n ** 1000n), max: 2n ** 1000n });
const text = fc.oneof(
  { weight: 3, arbitrary: garbage },
  fc.constantFrom("\u0000bigint:5", "\u0000bigint:-12", '"\\u0000bigint:7"', "__"),
);
const scalar = fc.oneof(
  text,
  fc.double(),
  fc.integer(),
  bigint,
  fc.boolean(),
  fc.constantFrom(null, undefined, -0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.date({ noInvalidDate: false }),
  fc.constant(new Date(Number.NaN)),
);

/** Records and values made of plain objects (some with a null prototype), arrays and scalars. */
const { value: plainValue } = fc.letrec<{ value: unknown; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 4 }),
    tie("object"),
  ),
  object: fc.dictionary(key, tie("value"), { maxKeys: 5 }),
}));
const exotic = fc.anything({
  key,
  maxDepth: 5,
  withBigInt: true,
  withDate: true,
  withNullPrototype: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withBoxedValues: true,
  withObjectString: true,
  stringUnit: "binary",
});
const anyValue = fc.oneof(plainValue, exotic);
const options = fc.record(
  {
    sep: fc.oneof(fc.constantFrom("__", ".", "/", ""), garbage),
    maxDepth: fc.oneof(
      fc.integer({ min: -1, max: 6 }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
    ),
  },
  { requiredKeys: [] },
);

/** A flat row: no value is an object (null aside), a function or a symbol. */
function expectFlat(row: Record<string, unknown>): void {
  expect(typeof row).toBe("object");
  for (const value of Object.values(row)) {
    if (value !== null)
      expect(["string", "number", "bigint", "boolean", "undefined"]).toContain(typeof value);
  }
}

/** Nests `leaf` `depth` levels deep, in objects, arrays or both. */
function nest(depth: number, shape: "object" | "array" | "mixed", leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) {
    const asArray = shape === "array" || (shape === "mixed" && i % 2 === 1);
    value = asArray ? [value] : { a: value };
  }
  return value;
}

/** Every object and array in `root` (reachable by own enumerable keys), with its ancestors. */
function containers(root: object): Array<{ node: Record<string, unknown>; ancestors: object[] }> {
  const out: Array<{ node: Record<string, unknown>; ancestors: object[] }> = [];
  const visit = (node: object, ancestors: object[]) => {
    if (ancestors.includes(node)) return;
    out.push({ node: node as Record<string, unknown>, ancestors });
    for (const child of Object.values(node))
      if (child !== null && typeof child === "object" && !(child instanceof Date))
        visit(child, [...ancestors, node]);
  };
  visit(root, []);
  return out;
}

/** JSON.stringify with each bigint as the nearest double (what JSON.parse reads its digits back as). */
const asDoubles = (value: unknown) =>
  JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? Number(v) : v));

describe("fuzz: flattening", () => {
  it(
    "flattenRecord turns any acyclic value into one flat row of scalars",
    () => {
      fc.assert(
        fc.property(anyValue, options, (record, opts) => {
          const outcome = settle(() => flattenRecord(record, opts));
          expect(outcome.ok).toBe(true);
          if (outcome.ok) expectFlat(outcome.value);
        }),
        {
          numRuns: RUNS,
          examples: [
            [{ d: new Date(Number.NaN) }, {}],
            [new Date(Number.NaN), {}],
            [{ a: { b: new Date(Number.NaN) } }, { maxDepth: 1 }],
          ],
        },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "a Date becomes its ISO text, an invalid Date null (as in JSON)",
    () => {
      fc.assert(
        fc.property(fc.oneof(fc.date(), fc.constant(new Date(Number.NaN))), (date) => {
          const iso = Number.isNaN(date.getTime()) ? null : date.toISOString();
          expect(flattenRecord({ at: date })).toEqual({ at: iso });
          expect(flattenRecord(date)).toEqual({ value: iso });
          expect(flattenRecord({ at: [date] })).toEqual({ at: JSON.stringify([date]) });
        }),
        { numRuns: RUNS, examples: [[new Date(Number.NaN)]] },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "a record of scalars flattens to itself: every own key kept, __proto__ included",
    () => {
      const flatScalar = fc.oneof(text, fc.double(), bigint, fc.boolean(), fc.constant(null));
      fc.assert(
        fc.property(fc.dictionary(key, flatScalar, { maxKeys: 8 }), (record) => {
          const row = flattenRecord(record);
          expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
          expect(Object.entries(row)).toEqual(Object.entries(record));
        }),
        {
          numRuns: RUNS,
          examples: [[JSON.parse('{"__proto__": 1, "a": 2}')], [JSON.parse('{"__proto__": "x"}')]],
        },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "nested keys join with the separator (an empty key too), and an empty object keeps its column",
    () => {
      fc.assert(
        fc.property(
          fc.array(key, { minLength: 1, maxLength: 5 }),
          fc.constantFrom("__", ".", "/"),
          (path, sep) => {
            // Built by JSON.parse, as records are: a "__proto__" key is an own key there.
            const record = JSON.parse(
              path.reduceRight((inner, k) => `{${JSON.stringify(k)}:${inner}}`, "{}"),
            );
            const row = flattenRecord(record, { sep });
            expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
            expect(Object.entries(row)).toEqual([[path.join(sep), null]]);
          },
        ),
        {
          numRuns: RUNS,
          examples: [
            [["__proto__"], "__"],
            [["", "x"], "__"],
          ],
        },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "deep nesting flattens, or fails with an OutputError saying it is too deep (no stack overflow)",
    () => {
      const shapes = fc.constantFrom("object" as const, "array" as const, "mixed" as const);
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 30_000 }), shapes, scalar, (depth, shape, leaf) => {
          const record = nest(depth, shape, leaf);
          const outcome = settle(() => flattenRecord(record), 500);
          if (outcome.ok) {
            expectFlat(outcome.value);
            // {a: {a: ... leaf}}: one column a__a__...; an undefined leaf leaves its object empty (null).
            const levels = leaf === undefined ? depth - 1 : depth;
            if (shape === "object")
              expect(Object.keys(outcome.value)).toEqual(
                levels === 0 ? [] : [Array(levels).fill("a").join("__")],
              );
          } else {
            expect(outcome.error).toBeInstanceOf(OutputError);
            expect(outcome.error.message).toMatch(/levels deep|too deep/);
            // Only a record deeper than any API sends may fail.
            expect(depth).toBeGreaterThan(1000);
          }
        }),
        {
          numRuns: 300,
          examples: [
            [30_000, "object", 1],
            [30_000, "array", 1],
            [30_000, "mixed", 1],
          ],
        },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "a circular record fails with an OutputError that says so (not a RangeError or TypeError)",
    () => {
      const tree = fc.dictionary(key, plainValue, { minKeys: 1, maxKeys: 4 });
      fc.assert(
        fc.property(tree, fc.nat(), fc.nat(), key, options, (generated, pick, up, link, opts) => {
          // The cycle goes into a copy: fast-check reuses generated values while shrinking, and a
          // record already made circular by an earlier run would send containers() round forever.
          const record = structuredClone(generated);
          const all = containers(record);
          const { node, ancestors } = all[pick % all.length]!;
          const chain = [...ancestors, node];
          const target = chain[up % chain.length];
          if (Array.isArray(node)) node.push(target);
          else Object.defineProperty(node, link, { value: target, enumerable: true, configurable: true });
          const outcome = settle(() => flattenRecord(record, opts), 500);
          expect(outcome.ok).toBe(false);
          if (!outcome.ok) {
            expect(outcome.error).toBeInstanceOf(OutputError);
            expect(outcome.error.message).toMatch(/circular/);
          }
        }),
        { numRuns: 300 },
      );
    },
    TEST_TIMEOUT_MS,
  );
});

describe("fuzz: toJson", () => {
  const { json } = fc.letrec<{ json: unknown }>((tie) => ({
    json: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      text,
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      bigint,
      fc.boolean(),
      fc.constant(null),
      fc.array(tie("json"), { maxLength: 4 }),
      fc.dictionary(key, tie("json"), { maxKeys: 4 }),
    ),
  }));

  it(
    "writes what JSON.stringify writes, bigints as their exact digits, and nothing else changed",
    () => {
      fc.assert(
        fc.property(json, (value) => {
          const outcome = settle(() => toJson(value));
          expect(outcome.ok).toBe(true);
          if (!outcome.ok) return;
          expect(typeof outcome.value).toBe("string");
          expect(JSON.parse(outcome.value)).toEqual(JSON.parse(asDoubles(value)));
        }),
        {
          numRuns: RUNS,
          examples: [
            // A string that looks like the internal bigint marker used to lose its quotes.
            [[1n, "\u0000bigint:5"]],
            [{ "\u0000bigint:7": 2n }],
          ],
        },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "bigints keep every digit",
    () => {
      fc.assert(
        fc.property(fc.array(bigint, { minLength: 1, maxLength: 5 }), (values) => {
          expect(toJson(values)).toBe(`[${values.join(",")}]`);
          expect(toJson({ n: values[0] })).toBe(`{"n":${values[0]}}`);
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );
});

describe("fuzz: schema inference", () => {
  const rows = fc.array(
    anyValue.map((v) => flattenRecord(v)),
    { maxLength: 8 },
  );

  it(
    "columns: every key seen but null-only parents, its type the widening of its values' types, nullable when missing or null",
    () => {
      fc.assert(
        fc.property(rows, (records) => {
          const builder = new SchemaBuilder();
          expect(settle(() => builder.addAll(records)).ok).toBe(true);
          expect(builder.recordCount).toBe(records.length);
          const seen = [...new Set(records.flatMap((r) => Object.keys(r)))];
          const value = (r: Record<string, unknown>, name: string) =>
            Object.getOwnPropertyDescriptor(r, name)?.value;
          // One column set per path: a key only ever null, named like the parent of another, is left out.
          const nullOnly = (name: string) => records.every((r) => value(r, name) == null);
          const names = seen.filter((n) => !(nullOnly(n) && seen.some((o) => o.startsWith(`${n}__`))));
          expect(builder.columns.map((c) => c.name)).toEqual(names);
          for (const column of builder.columns) {
            const types = records
              .filter((r) => Object.hasOwn(r, column.name))
              .map((r) => inferType(r[column.name]));
            expect(column.type).toBe(types.reduce((a: ColumnType, b) => widenType(a, b)));
            const nonNull = types.filter((t) => t !== "null").length;
            expect(column.nullable).toBe(nonNull < records.length);
          }
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "a batch given column by column is typed as the same rows given one by one",
    () => {
      fc.assert(
        fc.property(rows, (batch) => {
          // Columns in first-seen order, undefined where a row lacks one (as the frame builder keeps them).
          const columns = new Map<string, unknown[]>();
          batch.forEach((row, i) => {
            for (const name of Object.keys(row)) {
              if (!columns.has(name)) columns.set(name, new Array(batch.length).fill(undefined));
              columns.get(name)![i] = row[name];
            }
          });
          const byColumn = new SchemaBuilder().addColumns(batch.length, columns);
          const byRow = new SchemaBuilder().addAll(batch);
          expect(byColumn.columns).toEqual(byRow.columns);
          expect(byColumn.recordCount).toBe(byRow.recordCount);
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "merging two builders equals one builder over both halves",
    () => {
      fc.assert(
        fc.property(rows, rows, (left, right) => {
          const merged = new SchemaBuilder().addAll(left).merge(new SchemaBuilder().addAll(right));
          const whole = new SchemaBuilder().addAll([...left, ...right]);
          expect(merged.columns).toEqual(whole.columns);
          expect(merged.toObject()).toEqual(whole.toObject());
          expect(merged.recordCount).toBe(whole.recordCount);
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
