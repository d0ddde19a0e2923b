// Normalises a RecordSource to batches of records, and writes text with back-pressure.
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { RecordSource } from "./types.js";

const BATCH = 1000;

export async function* batchesOf(source: RecordSource): AsyncGenerator<readonly unknown[]> {
  if (Symbol.asyncIterator in (source as object)) {
    for await (const item of source as AsyncIterable<{ records: readonly unknown[] } | readonly unknown[]>) {
      yield Array.isArray(item) ? item : (item as { records: readonly unknown[] }).records;
    }
    return;
  }
  let batch: unknown[] = [];
  for (const record of source as Iterable<unknown>) {
    batch.push(record);
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Writes and waits for 'drain' when the stream's buffer is full, so memory stays flat. */
export async function writeText(out: Writable, chunk: string | Uint8Array): Promise<void> {
  if (chunk.length === 0) return;
  if (!out.write(chunk)) await once(out, "drain");
}

export async function endStream(out: Writable, ownsStream: boolean): Promise<void> {
  if (!ownsStream) return;
  out.end();
  await once(out, "finish");
}

/**
 * Gives up on a stream after a failure: its pending writes may still complete and report errors,
 * which must not surface as uncaught exceptions; waits until the file is closed so it can be removed.
 */
export async function abandon(out: Writable): Promise<void> {
  out.on("error", () => undefined);
  if (out.closed) return;
  const closed = once(out, "close").catch(() => undefined);
  out.destroy();
  await closed;
}
