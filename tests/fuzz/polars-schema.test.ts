// Fuzzing inferPolarsSchema against the frame itself: whatever the records (15–17 significant-digit
// floats, integers and bigints beyond 2^53, unicode, nulls, nested objects, arrays, late columns, types
// that widen), the schema it infers is the one recordsToPolars' frame has.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inferPolarsSchema, recordsToPolars } from "../../src/writers/index.js";
import { tabularRecords as records, TEST_TIMEOUT_MS } from "./support.js";

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
