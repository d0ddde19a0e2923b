// A JSON array of records, nesting kept, streamed element by element (never built in memory).
import type { Writable } from "node:stream";
import { toJson } from "../flatten/index.js";
import { batchesOf, writeText } from "./batches.js";
import { writeThrough } from "./destination.js";
import type { RecordSource, WriteResult, Writer } from "./types.js";

export class JsonArrayWriter implements Writer {
  readonly format = "json" as const;
  readonly nested = true;

  write(source: RecordSource, destination: string | Writable): Promise<WriteResult> {
    return writeThrough(destination, async (out) => {
      let records = 0;
      let bytes = 0;
      const emit = async (text: string) => {
        bytes += Buffer.byteLength(text);
        await writeText(out, text);
      };
      await emit("[");
      for await (const batch of batchesOf(source)) {
        let chunk = "";
        for (const record of batch) {
          chunk += `${records === 0 ? "\n" : ",\n"}${toJson(record)}`;
          records += 1;
        }
        await emit(chunk);
      }
      await emit(records === 0 ? "]\n" : "\n]\n");
      return { records, bytes };
    });
  }
}
