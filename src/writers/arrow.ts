// Arrow: the unified schema as Arrow fields, rows as record batches. The IPC file writer reads the
// spill back in batches of `rowsPerGroup`, so memory holds one batch at a time.
import type { Writable } from "node:stream";
import { OutputError } from "../errors.js";
import type { Column, ColumnType } from "../flatten/index.js";
import { loadArrow } from "./backends.js";
import { cell, writeText } from "./batches.js";
import { writeThrough } from "./destination.js";
import { EMPTY_COLUMN } from "./duckdb-sql.js";
import type { WriteOptions } from "./options.js";
import { type TabularSpill, TabularWriter } from "./spill.js";

/** Rows per record batch: one batch of parsed rows is what the writer holds in memory. */
export const ARROW_BATCH_ROWS = 16_384;

type Arrow = Awaited<ReturnType<typeof loadArrow>>;
type ArrowSchema = InstanceType<Arrow["Schema"]>;
type ArrowBatch = InstanceType<Arrow["RecordBatch"]>;

function arrowType(arrow: Arrow, type: ColumnType) {
  switch (type) {
    case "boolean":
      return new arrow.Bool();
    case "integer":
    case "bigint":
      return new arrow.Int64();
    case "float":
      return new arrow.Float64();
    default:
      return new arrow.Utf8();
  }
}

export function arrowSchema(arrow: Arrow, columns: readonly Column[]): ArrowSchema {
  const fields =
    columns.length === 0
      ? [new arrow.Field(EMPTY_COLUMN, new arrow.Utf8(), true)]
      : columns.map((c) => new arrow.Field(c.name, arrowType(arrow, c.type), true));
  return new arrow.Schema(fields);
}

type Rows = ReadonlyArray<Record<string, unknown>>;
export type ColumnData = ReturnType<Arrow["makeData"]>;

/** UTF-8 needs at most 3 bytes per UTF-16 unit; a column's text must fit Int32 offsets. */
const MAX_TEXT_BYTES = 2 ** 31 - 1;

/**
 * One column of a batch, its buffers filled directly: apache-arrow's builders cost a call chain per
 * value, which made the Arrow output 3.5 × the fetch floor (docs/decisions.md). Values are stored as
 * the builders stored them: integers as Int64 (bigints exact), floats, booleans, and anything else in
 * a text column as String(value); null and undefined are null. `type` undefined (a pull without any
 * column) is all null.
 */
export function columnData(
  arrow: Arrow,
  type: ColumnType | undefined,
  length: number,
  valueAt: (row: number) => unknown,
): ColumnData {
  const values: unknown[] = new Array(length);
  const bitmap = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    const value = type === undefined ? null : valueAt(i);
    if (value === null || value === undefined) {
      nullCount += 1;
      values[i] = null;
    } else {
      values[i] = value;
      bitmap[i >> 3]! |= 1 << (i & 7);
    }
  }
  const validity = { length, nullCount, ...(nullCount > 0 ? { nullBitmap: bitmap } : {}) };
  switch (type) {
    case "integer":
    case "bigint":
      return arrow.makeData({ type: new arrow.Int64(), data: int64Values(values), ...validity });
    case "float": {
      const data = new Float64Array(length);
      // A bigint only arrives here when a batch's integer column is re-typed to float (all safe).
      for (let i = 0; i < length; i++) if (values[i] !== null) data[i] = Number(values[i]);
      return arrow.makeData({ type: new arrow.Float64(), data, ...validity });
    }
    case "boolean": {
      const data = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (values[i] === true) data[i >> 3]! |= 1 << (i & 7);
      return arrow.makeData({ type: new arrow.Bool(), data, ...validity });
    }
    default:
      return arrow.makeData({ type: new arrow.Utf8(), ...utf8Values(values), ...validity });
  }
}

function int64Values(values: readonly unknown[]): BigInt64Array {
  const data = new BigInt64Array(values.length);
  // A safe integer goes in as two 32-bit halves (little-endian, as Arrow is): no BigInt per value.
  const low = new Uint32Array(data.buffer);
  const high = new Int32Array(data.buffer);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === "bigint") data[i] = value;
    else if (typeof value === "number") {
      const upper = Math.floor(value / 2 ** 32);
      high[2 * i + 1] = upper;
      low[2 * i] = value - upper * 2 ** 32;
    }
  }
  return data;
}

/** The texts encoded once into one buffer (a lone surrogate becomes U+FFFD, as TextEncoder does). */
function utf8Values(values: readonly unknown[]): { data: Uint8Array; valueOffsets: Int32Array } {
  const texts: Array<string | null> = new Array(values.length);
  let units = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const text = value === null ? null : typeof value === "string" ? value : String(value);
    texts[i] = text;
    if (text !== null) units += text.length;
  }
  let capacity = units * 3;
  if (capacity > MAX_TEXT_BYTES) {
    capacity = 0;
    for (const text of texts) if (text !== null) capacity += Buffer.byteLength(text);
    if (capacity > MAX_TEXT_BYTES)
      throw new OutputError(
        `Arrow output: one column of a ${values.length}-row batch holds more than 2 GiB of text; set a lower rowsPerGroup`,
      );
  }
  const bytes = Buffer.allocUnsafe(capacity);
  const valueOffsets = new Int32Array(values.length + 1);
  let at = 0;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (text) at += bytes.write(text, at, "utf8");
    valueOffsets[i + 1] = at;
  }
  // A copy of the used part, so the batch does not keep the worst-case allocation alive.
  return { data: Uint8Array.prototype.slice.call(bytes, 0, at), valueOffsets };
}

export function arrowBatch(
  arrow: Arrow,
  schema: ArrowSchema,
  columns: readonly Column[],
  rows: Rows,
): ArrowBatch {
  const children = schema.fields.map((_field, i) => {
    const column = columns[i];
    return columnData(arrow, column?.type, rows.length, (row) =>
      column ? cell(rows[row]!, column.name) : null,
    );
  });
  return recordBatch(arrow, schema, rows.length, children);
}

/** A record batch of the schema from its columns' data, in the schema's order. */
export function recordBatch(
  arrow: Arrow,
  schema: ArrowSchema,
  length: number,
  children: ColumnData[],
): ArrowBatch {
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children });
  return new arrow.RecordBatch(schema, data);
}

export class ArrowWriter extends TabularWriter<Arrow> {
  readonly format = "arrow" as const;

  protected backend(): Promise<Arrow> {
    return loadArrow("Arrow output");
  }

  protected async finish(
    spill: TabularSpill,
    destination: string | Writable,
    options: WriteOptions,
    arrow: Arrow,
  ): Promise<number> {
    const schema = arrowSchema(arrow, spill.columns);
    const writer = new arrow.RecordBatchFileWriter();
    writer.reset(undefined, schema);
    return writeThrough(destination, async (out) => {
      let bytes = 0;
      // The IPC writer queues encoded bytes; this pump hands them to the destination as they come,
      // waiting for 'drain'. (Not writer.toNodeStream(): piping it stalled now and then, leaving the
      // process with nothing to wait for.)
      const pump = (async () => {
        for await (const chunk of writer) {
          bytes += chunk.byteLength;
          await writeText(out, chunk);
        }
      })();
      const pumped = pump.catch((error: unknown) => error);
      try {
        for await (const rows of spill.rows(Math.max(1, options.rowsPerGroup ?? ARROW_BATCH_ROWS))) {
          writer.write(arrowBatch(arrow, schema, spill.columns, rows));
          await new Promise(setImmediate);
        }
        writer.finish();
        writer.close();
        await pump;
      } catch (error) {
        writer.abort();
        await pumped;
        throw error;
      }
      return bytes;
    });
  }
}
