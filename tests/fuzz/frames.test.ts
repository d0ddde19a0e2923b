// Fuzzing the frames built from pages: whatever the records (late columns, types that widen in a later
// batch, bigints, "" vs null, nested objects, arrays, odd keys) and however they are cut into pages and
// batches, pagesToArrow and pagesToPolars hold exactly the flattened table every other tabular output
// holds: the columns and types of SchemaBuilder over all records, and each value as a typed reader sees it.
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { flattenRecord, SchemaBuilder, toJson } from "../../src/flatten/index.js";
import { pagesToArrow, pagesToPolars } from "../../src/writers/index.js";
import { TabularSpill } from "../../src/writers/spill.js";
import { expectedTable } from "../writers/support.js";
import { TEST_TIMEOUT_MS } from "./support.js";

const key = fc.constantFrom("id", "a", "b", "c", "1", "10", "__proto__", "", "x y", "a__b");
const scalar = fc.oneof(
  fc.integer(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.bigInt({ min: 2n ** 64n, max: 2n ** 70n }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0.5, -1.25, 1e21, 5),
  fc.boolean(),
  fc.string({ unit: "grapheme", maxLength: 6 }),
  fc.constantFrom("", "東京 🚀", "naïve", "lone \ud800 surrogate", "12345678901234567890", null, undefined),
);
const value = fc.oneof(
  { arbitrary: scalar, weight: 6 },
  { arbitrary: fc.array(scalar, { maxLength: 3 }), weight: 1 },
  { arbitrary: fc.dictionary(key, scalar, { maxKeys: 3 }), weight: 2 },
  { arbitrary: fc.constant({}), weight: 1 },
);
const record = fc.dictionary(key, value, { maxKeys: 5 });

/** Records, cut into pages of 0–4, built in batches of 1–5 rows. */
const pulls = fc.record({
  records: fc.array(record, { maxLength: 14 }),
  cuts: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 14, maxLength: 14 }),
  batchRows: fc.integer({ min: 1, max: 5 }),
  sep: fc.constantFrom("__", "."),
});

function pagesOf(records: unknown[], cuts: number[]): unknown[][] {
  const pages: unknown[][] = [];
  let at = 0;
  for (let i = 0; at < records.length; i++) {
    // A 0 is an empty page; after one round of cuts every page takes at least one record.
    const size = i < cuts.length ? cuts[i]! : Math.max(1, cuts[i % cuts.length]!);
    pages.push(records.slice(at, at + size));
    at += size;
  }
  return pages;
}

async function* asPages(pages: unknown[][]) {
  for (const records of pages) yield { records };
}

const arrowType = (type: string) =>
  type === "integer" || type === "bigint"
    ? "Int64"
    : type === "float"
      ? "Float64"
      : type === "boolean"
        ? "Bool"
        : "Utf8";

describe("frames from pages, fuzzed", () => {
  it(
    "hold the table every tabular output holds, however the pages and batches are cut",
    async () => {
      await fc.assert(
        fc.asyncProperty(pulls, async ({ records, cuts, batchRows, sep }) => {
          const expected = expectedTable(records, sep);
          const names = expected.columns.map((c) => c.name);
          const pages = pagesOf(records, cuts);

          const table = await pagesToArrow(asPages(pages), { sep, batchRows });
          const fields = table.schema.fields.map((f) => [f.name, String(f.type)]);
          if (records.length === 0 || names.length === 0) expect(fields).toEqual([["value", "Utf8"]]);
          else expect(fields).toEqual(expected.columns.map((c) => [c.name, arrowType(c.type)]));
          expect(table.numRows).toBe(records.length);
          // Text goes through UTF-8: a lone surrogate comes back as U+FFFD.
          const wellFormed = (v: unknown) =>
            typeof v === "string" ? (v as unknown as { toWellFormed(): string }).toWellFormed() : v;
          const column = (name: string) =>
            expected.rows.map((r) => wellFormed(Object.getOwnPropertyDescriptor(r, name)?.value));
          for (const [i, name] of names.entries()) {
            const vector = table.getChildAt(i)!;
            expect(Array.from({ length: table.numRows }, (_, row) => vector.get(row))).toEqual(column(name));
          }

          const frame = await pagesToPolars(asPages(pages), { sep, batchRows });
          expect(frame.height).toBe(records.length);
          expect(frame.columns).toEqual(names.length > 0 ? names : ["value"]);
          for (const { name, type } of expected.columns) {
            const series = frame.getColumn(name);
            const want = column(name);
            if (arrowType(type) === "Int64") {
              expect(String(series.dtype)).toBe("DataType(Int64)");
              // Polars hands Int64 to JS as numbers; its text is exact.
              expect(series.cast(pl.Utf8).toArray()).toEqual(
                want.map((v) => (v === null ? null : String(v))),
              );
            } else expect(series.toArray()).toEqual(want);
          }
        }),
        { numRuns: 150 },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "spill each record as JSON.stringify writes its flattened object, with the same schema",
    async () => {
      // Keys that flatten to one name twice ({"a__b": 1, "a": {"b": 2}}) included: the last one wins.
      await fc.assert(
        fc.asyncProperty(pulls, async ({ records, sep }) => {
          const spill = new TabularSpill(join(tmpdir(), `apikit-fuzz-${process.pid}.spill`), sep);
          try {
            await spill.fill(records);
            const flat = records.map((r) => flattenRecord(r, { sep }));
            const lines = readFileSync(spill.path, "utf8").split("\n").slice(0, -1);
            expect(lines).toEqual(flat.map((f) => toJson(f)));
            expect(spill.columns).toEqual(new SchemaBuilder({ sep }).addAll(flat).columns);
          } finally {
            await spill.remove();
          }
        }),
        { numRuns: 150 },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
