// CSV (RFC 4180) of flattened records. The header needs every column, so rows go through the spill
// first. null is an empty field; an empty string is "" (quoted), so the two stay apart.
import type { Writable } from "node:stream";
import { cell, writeText } from "./batches.js";
import { writeThrough } from "./destination.js";
import { type TabularSpill, TabularWriter } from "./spill.js";

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : String(value);
  if (text === "" || NEEDS_QUOTES.test(text)) return `"${text.replaceAll('"', '""')}"`;
  return text;
}

export class CsvWriter extends TabularWriter {
  readonly format = "csv" as const;

  protected async backend(): Promise<void> {}

  protected finish(spill: TabularSpill, destination: string | Writable): Promise<number> {
    const names = spill.columns.map((c) => c.name);
    return writeThrough(destination, async (out) => {
      const header = names.length > 0 ? `${names.map(csvField).join(",")}\n` : "";
      let bytes = Buffer.byteLength(header);
      await writeText(out, header);
      for await (const rows of spill.rows(2000)) {
        let chunk = "";
        for (const row of rows) {
          let line = "";
          for (let i = 0; i < names.length; i++)
            line += (i === 0 ? "" : ",") + csvField(cell(row, names[i]!));
          chunk += `${line}\n`;
        }
        bytes += Buffer.byteLength(chunk);
        await writeText(out, chunk);
      }
      return bytes;
    });
  }
}
