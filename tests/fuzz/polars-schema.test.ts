// Fuzzing inferPolarsSchema against the frame itself: whatever the records (15–17 significant-digit
// floats, integers and bigints beyond 2^53, unicode, nulls, nested objects, arrays, late columns, types
// that widen), the schema it infers is the one recordsToPolars' frame has.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inferPolarsSchema, recordsToPolars } from "../../src/writers/index.js";
import { TEST_TIMEOUT_MS } from "./support.js";

// Not "__proto__": polars' own `schema` object assigns it, which sets the prototype instead (the
// example test checks that column against the frame's columns).
const key = fc.constantFrom("id", "a", "b", "c", "1", "10", "", "x y", "a__b", "名前");
/** Floats written with 15 to 17 significant digits, the ones a double only just holds. */
const longFloat = fc
  .tuple(
    fc.integer({ min: 15, max: 17 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  )
  .map(([digits, x]) => Number(x.toPrecision(digits)));
const scalar = fc.oneof(
  fc.integer(),
  longFloat,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(2 ** 53 + 2, -(2 ** 60), 0.1 + 0.2, 1e21, 5),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.bigInt({ min: 2n ** 64n, max: 2n ** 80n }),
  fc.boolean(),
  fc.string({ unit: "grapheme", maxLength: 6 }),
  fc.constantFrom("", "東京 🚀", "naïve", "12345678901234567890", null, undefined),
);
const value = fc.oneof(
  { arbitrary: scalar, weight: 6 },
  { arbitrary: fc.array(scalar, { maxLength: 3 }), weight: 1 },
  { arbitrary: fc.dictionary(key, scalar, { maxKeys: 3 }), weight: 2 },
  { arbitrary: fc.dictionary(key, fc.dictionary(key, scalar, { maxKeys: 2 }), { maxKeys: 2 }), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);
const records = fc.array(fc.dictionary(key, value, { maxKeys: 5 }), { maxLength: 12 });

describe("inferPolarsSchema, fuzzed", () => {
  it(
    "equals the schema of the frame recordsToPolars makes of the same records",
    async () => {
      await fc.assert(
        fc.asyncProperty(records, fc.constantFrom("__", "."), async (rows, sep) => {
          const inferred = await inferPolarsSchema(rows, { sep });
          const frame = await recordsToPolars(rows, { sep });
          expect(inferred).toEqual(frame.schema);
          expect(Object.keys(inferred)).toEqual(Object.keys(frame.schema));
          // And in the frame's column order, for names an object would list in another order.
          expect(frame.getColumns().map((s) => [s.name, String(s.dtype)])).toEqual(
            frame.columns.map((name) => [name, String(inferred[name])]),
          );
        }),
        { numRuns: 150 },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
