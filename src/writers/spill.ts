// The first pass of every tabular writer: records are flattened and appended to an NDJSON spill file
// while the schema is unified over all of them; the second pass writes the real file with the final
// schema, so a column that first appears on page 50 (or a type that widens there) loses nothing, and
// memory stays flat however many records there are.
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Writable } from "node:stream";
import { type Column, flattenRecord, SchemaBuilder, toJson } from "../flatten/index.js";
import { parseJson } from "../http/index.js";
import { abandon, batchesOf, encodeLines, endStream, writeText } from "./batches.js";
import { scratchPath, WRITE_BUFFER } from "./destination.js";
import type { WriteOptions } from "./options.js";
import type { Format, RecordSource, WriteResult, Writer } from "./types.js";

export class TabularSpill {
  /** Unified with the spill's separator, so it knows which columns are parents of others. */
  readonly schema: SchemaBuilder;
  records = 0;
  /** Bytes in the spill file once it is filled. */
  bytes = 0;
  /** The longest line, in UTF-16 units (at most a third of its UTF-8 bytes). */
  longestLine = 0;
  readonly #out: WriteStream;

  constructor(
    readonly path: string,
    private readonly sep: string = "__",
  ) {
    this.schema = new SchemaBuilder({ sep });
    this.#out = createWriteStream(path, { highWaterMark: WRITE_BUFFER });
  }

  /** Pass one: flattens, unifies the schema and spills every record of the source. */
  async fill(source: RecordSource): Promise<void> {
    try {
      for await (const batch of batchesOf(source)) {
        const lines: string[] = new Array(batch.length);
        for (let i = 0; i < batch.length; i++) {
          const flat = flattenRecord(batch[i], { sep: this.sep });
          this.schema.add(flat);
          const line = toJson(flat);
          if (line.length > this.longestLine) this.longestLine = line.length;
          lines[i] = line;
        }
        this.records += batch.length;
        if (lines.length > 0) await writeText(this.#out, encodeLines(lines));
      }
      await endStream(this.#out, true);
      this.bytes = this.#out.bytesWritten;
    } catch (error) {
      await abandon(this.#out);
      throw error;
    }
  }

  get columns(): Column[] {
    return this.schema.columns;
  }

  /** Pass two: the spilled rows again, in batches, bigints exact. */
  async *rows(batchSize: number): AsyncGenerator<Array<Record<string, unknown>>> {
    const lines = createInterface({
      input: createReadStream(this.path),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let batch: Array<Record<string, unknown>> = [];
    for await (const line of lines) {
      if (line === "") continue;
      batch.push(parseJson(line) as Record<string, unknown>);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

/**
 * A flattened-table format: pass one spills the source and unifies the schema, pass two (`finish`)
 * writes the real output from the spill. `backend` loads what the format needs before anything is
 * fetched, so a missing package fails fast.
 */
export abstract class TabularWriter<Backend = void> implements Writer {
  abstract readonly format: Format;
  readonly nested = false;

  protected abstract backend(): Promise<Backend>;
  /** Writes the output from the filled spill; returns the bytes written. */
  protected abstract finish(
    spill: TabularSpill,
    destination: string | Writable,
    options: WriteOptions,
    backend: Backend,
  ): Promise<number>;

  async write(
    source: RecordSource,
    destination: string | Writable,
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    const backend = await this.backend();
    const spill = new TabularSpill(scratchPath(destination, "spill"), options.sep);
    try {
      await spill.fill(source);
      const bytes = await this.finish(spill, destination, options, backend);
      return { records: spill.records, bytes };
    } finally {
      await spill.remove();
    }
  }
}
