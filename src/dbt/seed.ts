// The seed CSV: records are flattened once, as they arrive, into the schema unified over all of them
// and into the CSV writer (which spills them and writes the file with that final schema), so memory
// stays flat however many pages come.
import { Writable } from "node:stream";
import { type Column, flattenRecord, SchemaBuilder } from "../flatten/index.js";
import { batchesOf, getWriter, type RecordSource } from "../writers/index.js";

export interface SeedResult {
  records: number;
  columns: Column[];
  /** Columns with a string dbt's seed loader reads as NULL ("" or "null", any case, padded). */
  blank: Set<string>;
}

function loadsAsNull(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === "" || (trimmed.length === 4 && trimmed.toLowerCase() === "null");
}

/** Writes the CSV to `destination` and returns what the dbt files need to know about the data. */
export async function writeSeed(
  source: RecordSource,
  destination: string | Writable,
  sep: string,
): Promise<SeedResult> {
  const schema = new SchemaBuilder({ sep });
  const blank = new Set<string>();
  const flat = async function* () {
    for await (const batch of batchesOf(source)) {
      const rows = batch.map((record) => {
        const row = flattenRecord(record, { sep });
        schema.add(row);
        for (const key in row) {
          const value = row[key];
          if (typeof value === "string" && !blank.has(key) && loadsAsNull(value)) blank.add(key);
        }
        return row;
      });
      yield rows;
    }
  };
  // The same sep for the CSV's own schema, so it leaves out the same null-only parents as `columns`.
  const { records } = await getWriter("csv").write(flat(), destination, { sep });
  return { records, columns: schema.columns, blank };
}

/** A Writable that keeps what is written, for dry runs. */
export function textCollector(): { out: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { out, text: () => Buffer.concat(chunks).toString("utf8") };
}
