// Fuzzing a frame's notebook table against the records it was made of: whatever the records (15–17
// significant-digit floats, integers and bigints beyond 2^53, unicode, nulls, nested objects, arrays,
// late and widened columns), every shown cell holds the record's flattened value: integers with all
// their digits, floats as the same double, text as it was (escaped in the HTML), null as "null".
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { flattenRecord } from "../../src/flatten/index.js";
import { recordsToPolars, showFrame } from "../../src/index.js";
import { JUPYTER_DISPLAY } from "../../src/util/printable.js";
import { TEST_TIMEOUT_MS, tabularRecords } from "./support.js";

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};
const htmlText = (html: string) => html.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);

/** The body rows of the table, cells unescaped (the two head rows are names and dtypes). */
function bodyCells(html: string): string[][] {
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map(([, row]) =>
    [...row!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => htmlText(m[1]!)),
  );
}

describe("a frame's notebook table, fuzzed", () => {
  it(
    "shows every record's flattened value exactly, by the column's dtype",
    async () => {
      await fc.assert(
        fc.asyncProperty(tabularRecords, fc.constantFrom("__", "."), async (records, sep) => {
          const frame = await recordsToPolars(records, { sep });
          const bundle = showFrame(frame, { rows: records.length })[JUPYTER_DISPLAY]();
          const rows = bodyCells(bundle["text/html"] ?? "");
          expect(rows).toHaveLength(records.length);
          const dtypes = frame.dtypes.map((d) => (d as unknown as { variant: string }).variant);
          records.forEach((record, r) => {
            const flat = flattenRecord(record, { sep });
            frame.columns.forEach((name, c) => {
              const value = Object.getOwnPropertyDescriptor(flat, name)?.value;
              const cell = rows[r]![c]!;
              if (value === null || value === undefined) expect(cell).toBe("null");
              else if (dtypes[c] === "Float64") expect(Number(cell)).toBe(Number(value));
              else expect(cell).toBe(String(value));
            });
          });
        }),
        { numRuns: 150 },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
