// Arrow: the unified schema as Arrow fields, rows as record batches. The IPC file writer reads the
// spill back in batches of `rowsPerGroup`, so memory holds one batch at a time.
import type { Writable } from "node:stream";
import type { Column, ColumnType } from "../flatten/index.js";
import { loadArrow } from "./backends.js";
import { writeText } from "./batches.js";
import { writeThrough } from "./destination.js";
import { EMPTY_COLUMN } from "./duckdb-sql.js";
import { type TabularSpill, TabularWriter } from "./spill.js";
import type { WriteOptions } from "./types.js";

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

/** How a flattened value is stored in a column of the given type (null stays null). */
function convert(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "integer":
    case "bigint":
      return typeof value === "bigint" ? value : BigInt(value as number);
    case "boolean":
    case "float":
      return value;
    default:
      return typeof value === "string" ? value : String(value);
  }
}

export function arrowSchema(arrow: Arrow, columns: readonly Column[]): ArrowSchema {
  const fields =
    columns.length === 0
      ? [new arrow.Field(EMPTY_COLUMN, new arrow.Utf8(), true)]
      : columns.map((c) => new arrow.Field(c.name, arrowType(arrow, c.type), true));
  return new arrow.Schema(fields);
}

export function arrowBatch(
  arrow: Arrow,
  schema: ArrowSchema,
  columns: readonly Column[],
  rows: ReadonlyArray<Record<string, unknown>>,
): ArrowBatch {
  const children = schema.fields.map((field, i) => {
    const column = columns[i];
    const builder = arrow.makeBuilder({ type: field.type, nullValues: [null, undefined] });
    if (column) for (const row of rows) builder.append(convert(column.type, row[column.name]));
    else for (let r = 0; r < rows.length; r++) builder.append(null);
    return builder.finish().flush();
  });
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length: rows.length,
    nullCount: 0,
    children,
  });
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
