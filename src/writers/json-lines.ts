// NDJSON / JSON Lines: one record per line, nesting kept, bigints exact. Written page by page.
import type { Writable } from "node:stream";
import { toJson } from "../flatten/index.js";
import { batchesOf, encodeLines, writeText } from "./batches.js";
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
        // One encoded buffer per page: counting and writing it costs no extra copies of the text.
        const lines: string[] = new Array(batch.length);
        for (let i = 0; i < batch.length; i++) lines[i] = toJson(batch[i]);
        if (lines.length === 0) continue;
        const chunk = encodeLines(lines);
        records += batch.length;
        bytes += chunk.length;
        await writeText(out, chunk);
      }
      return { records, bytes };
    });
  }
}
