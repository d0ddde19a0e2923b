// NDJSON / JSON Lines: one record per line, nesting kept, bigints exact. Written page by page.
import type { Writable } from "node:stream";
import { toJson } from "../flatten/index.js";
import { batchesOf, writeText } from "./batches.js";
import { writeThrough } from "./destination.js";
import type { Format, RecordSource, WriteResult, Writer } from "./types.js";

export class JsonLinesWriter implements Writer {
  readonly nested = true;
  constructor(readonly format: Extract<Format, "ndjson" | "jsonl">) {}

  write(source: RecordSource, destination: string | Writable): Promise<WriteResult> {
    return writeThrough(destination, async (out) => {
      let records = 0;
      let bytes = 0;
      for await (const batch of batchesOf(source)) {
        let chunk = "";
        for (const record of batch) chunk += `${toJson(record)}\n`;
        records += batch.length;
        bytes += Buffer.byteLength(chunk);
        await writeText(out, chunk);
      }
      return { records, bytes };
    });
  }
}
