// In-memory tables from pages as they arrive: an apache-arrow Table, or a nodejs-polars DataFrame.
// Pages are flattened into Arrow record batches as they come, each batch typed from its own rows;
// the schema is unified over every batch (so a late column or a late widening is not missed), and at
// the end each batch is re-typed to it. A frame is held in memory anyway, so there is no spill file to
// write and parse again (the file writers need one to stay flat for any size): only one batch of JS
// rows is alive at a time, the rest is Arrow buffers or polars chunks. Polars takes each batch through
// Arrow IPC, so Arrow and polars share one typing (integers beyond 2^53 exact as Int64).
import { rm } from "node:fs/promises";
// The libraries' own types, re-exported under these names (not types derived from their modules, such
// as ReturnType<typeof pl.DataFrame>): a user's inferred `const df = await client.fetchPolars(...)`
// can then be named as `import("apikit-ts").PolarsDataFrame` in their declarations and in tslab, even
// where nodejs-polars is only apikit's dependency (pnpm, npm link) and not theirs.
import type { Table as ArrowTable } from "apache-arrow";
import type { DataFrame as PolarsDataFrame, DataType as PolarsDataType } from "nodejs-polars";
import {
  type Column,
  type ColumnSink,
  type ColumnType,
  flattenInto,
  SchemaBuilder,
} from "../flatten/index.js";
import { ARROW_BATCH_ROWS, arrowSchema, type ColumnData, columnData, recordBatch } from "./arrow.js";
import { loadArrow, loadPolars } from "./backends.js";
import { batchesOf } from "./batches.js";
import { tempPath } from "./destination.js";
import { EMPTY_COLUMN } from "./duckdb-sql.js";
import { withFrameDisplay } from "./frame-display.js";
import { JsonLinesWriter } from "./json-lines.js";
import type { FrameOptions } from "./options.js";
import type { RecordSource } from "./types.js";

/** PolarsDataType: a nodejs-polars dtype (pl.Int64, pl.Float64, pl.Bool, pl.String, ...). */
export type { ArrowTable, PolarsDataFrame, PolarsDataType };

type Arrow = Awaited<ReturnType<typeof loadArrow>>;
type Polars = Awaited<ReturnType<typeof loadPolars>>;
type ArrowBatch = InstanceType<Arrow["RecordBatch"]>;

export interface PagesToFrameOptions extends FrameOptions {
  /** Rows per Arrow record batch (a frame's chunk). Default 16 384. */
  batchRows?: number;
}

/** The Arrow storage of a column type: integer and bigint share Int64, null and string share Utf8. */
const storage = (type: ColumnType): string =>
  type === "bigint" ? "integer" : type === "null" ? "string" : type;

/** A name JS objects list before all others (in numeric order): "0", "7", "42", not "007". */
const isArrayIndex = (name: string) => /^(?:0|[1-9]\d*)$/.test(name) && Number(name) < 2 ** 32 - 1;

/** A batch of rows as the maker hands it on: its columns typed from its own rows, values by column. */
interface RowBatch {
  columns: Column[];
  length: number;
  values: ReadonlyMap<string, unknown[]>;
}

/** A batch as it was made: an Arrow batch typed from its own rows. */
interface OwnBatch {
  batch: ArrowBatch;
  columns: Column[];
}

/**
 * Flattens pages straight into per-column value arrays (no object per row) and hands each batch of
 * rows on, typed from its own rows. Columns are typed with the same rules, and come in the same order,
 * as SchemaBuilder over flattened rows; the unified schema is kept over all batches.
 */
class BatchMaker {
  readonly #sep: string | undefined;
  readonly #batchRows: number;
  readonly #take: (made: RowBatch) => void;
  /** The schema unified over every batch so far, in first-seen order, without null-only parents. */
  readonly #all: SchemaBuilder;
  /** The batch being collected: values by column, in first-seen order; a row a column lacks is undefined. */
  #columns = new Map<string, unknown[]>();
  #rows = 0;

  constructor(options: PagesToFrameOptions, take: (made: RowBatch) => void) {
    this.#sep = options.sep;
    this.#all = new SchemaBuilder({ sep: options.sep });
    this.#batchRows = Math.max(1, options.batchRows ?? ARROW_BATCH_ROWS);
    this.#take = take;
  }

  /** The unified columns. */
  get columns(): Column[] {
    return this.#all.columns;
  }

  async fill(source: RecordSource): Promise<void> {
    const fresh: string[] = [];
    const sink: ColumnSink = (name, value) => {
      const row = this.#rows;
      let values = this.#columns.get(name);
      if (values === undefined) {
        values = new Array(row).fill(undefined);
        this.#columns.set(name, values);
        fresh.push(name);
      }
      // The same name twice in one record (a__b beside a: { b }): the last wins, as in an object.
      if (values.length === row + 1) values[row] = value;
      else {
        while (values.length < row) values.push(undefined);
        values.push(value);
      }
    };
    const options = { sep: this.#sep };
    for await (const records of batchesOf(source)) {
      for (const record of records) {
        flattenInto(record, sink, options);
        if (fresh.length > 1) this.#orderLikeAnObject(fresh);
        fresh.length = 0;
        this.#rows += 1;
      }
      if (this.#rows >= this.#batchRows) this.#flush();
    }
    this.#flush();
  }

  /** Columns new in one record, in the order an object lists its keys: array indexes first. */
  #orderLikeAnObject(fresh: string[]): void {
    if (!fresh.some(isArrayIndex)) return;
    const indexes = fresh.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
    for (const name of [...indexes, ...fresh.filter((n) => !isArrayIndex(n))]) {
      const values = this.#columns.get(name)!;
      this.#columns.delete(name);
      this.#columns.set(name, values);
    }
  }

  #flush(): void {
    const length = this.#rows;
    if (length === 0) return;
    // A batch's own columns may lack a null-only parent (or, with no children in it, keep one): the
    // unified columns decide what the frame has, and a column a batch lacks is null there.
    const own = new SchemaBuilder({ sep: this.#sep }).addColumns(length, this.#columns);
    this.#all.merge(own);
    const values = this.#columns;
    this.#columns = new Map();
    this.#rows = 0;
    this.#take({ columns: own.columns, length, values });
  }
}

/** A batch of rows as an Arrow batch, each column stored as its own type says. */
function arrowBatch(arrow: Arrow, { columns, length, values }: RowBatch): OwnBatch {
  const children = columns.map(({ name, type }) => {
    const column = values.get(name)!;
    return columnData(arrow, type, length, (row) => column[row]);
  });
  if (columns.length === 0) children.push(columnData(arrow, undefined, length, () => null));
  return { batch: recordBatch(arrow, arrowSchema(arrow, columns), length, children), columns };
}

/** How to bring one batch's column to its unified type, if it needs more than a cast. */
type Retype = "same" | "missing" | "cast" | "values";

function retype(own: ColumnType | undefined, unified: ColumnType): Retype {
  if (own === undefined) return "missing";
  if (storage(own) === storage(unified)) return "same";
  // Engines print 5.0 as "5.0", JS as "5": a float that became text is re-typed from its values.
  return own === "float" ? "values" : "cast";
}

/** A batch as the unified schema has it: its own buffers where the storage is the same. */
function unifiedBatch(arrow: Arrow, own: OwnBatch, columns: readonly Column[]): ArrowBatch {
  const { batch } = own;
  const types = new Map(own.columns.map((c, i) => [c.name, { type: c.type, at: i }]));
  const schema = arrowSchema(arrow, columns);
  const children = schema.fields.map((_field, i) => {
    const column = columns[i];
    const mine = column === undefined ? undefined : types.get(column.name);
    if (column === undefined || mine === undefined)
      return columnData(arrow, column?.type, batch.numRows, () => null);
    if (retype(mine.type, column.type) === "same") return batch.data.children[mine.at]!;
    // Widened since: the values again, stored as the wider type stores them (String(5) is "5").
    const vector = batch.getChildAt(mine.at)!;
    return columnData(arrow, column.type, batch.numRows, (row) => vector.get(row));
  });
  return recordBatch(arrow, schema, batch.numRows, children);
}

/** Pages or records as an Arrow Table of flattened columns, the schema unified over all of them. */
export async function pagesToArrow(
  source: RecordSource,
  options: Omit<PagesToFrameOptions, "flatten"> = {},
): Promise<ArrowTable> {
  const arrow = await loadArrow("Arrow tables (fetchArrow, recordsToArrow)");
  const made: OwnBatch[] = [];
  const maker = new BatchMaker(options, (rows) => made.push(arrowBatch(arrow, rows)));
  await maker.fill(source);
  const columns = maker.columns;
  if (made.length === 0) return new arrow.Table(arrowSchema(arrow, columns));
  return new arrow.Table(made.map((own) => unifiedBatch(arrow, own, columns)));
}

/**
 * Pages or records as a polars DataFrame: flattened (default), each Arrow batch handed to polars
 * through IPC as soon as it is made (so the Arrow copy does not pile up beside the frame) and re-typed
 * there at the end; or with `flatten: false`, nested objects as structs, from an NDJSON scratch file
 * that polars reads with full-scan type inference (so a late field or a widened type is not missed).
 * The frame shows in a notebook with exact integers and nested cells as JSON (frame-display.ts).
 */
export async function pagesToPolars(
  source: RecordSource,
  options: PagesToFrameOptions = {},
): Promise<PolarsDataFrame> {
  return withFrameDisplay(await buildPolars(source, options));
}

async function buildPolars(source: RecordSource, options: PagesToFrameOptions): Promise<PolarsDataFrame> {
  const pl = await loadPolars("DataFrames (fetchPolars, recordsToPolars)");
  if (options.flatten === false) return nestedFrame(pl, source);
  const arrow = await loadArrow("DataFrames (fetchPolars, recordsToPolars)");
  // Arrow IPC bytes, viewed (not copied) as the Buffer nodejs-polars asks for.
  const toFrame = (table: ArrowTable) => {
    // Polars refuses an IPC field without a name, though a frame may have one: "" goes across renamed.
    const names = new Set(table.schema.fields.map((f) => f.name));
    let stand = names.has("") ? "\u0000" : "";
    while (names.has(stand)) stand += "_";
    const sent = stand === "" ? table : renameEmpty(arrow, table, stand);
    const bytes = arrow.tableToIPC(sent, "stream");
    const frame = pl.readIPCStream(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return stand === "" ? frame : frame.rename({ [stand]: "" });
  };
  const made: Array<{ frame: PolarsDataFrame; columns: Column[] }> = [];
  const maker = new BatchMaker(options, (rows) => {
    const { batch, columns } = arrowBatch(arrow, rows);
    made.push({ frame: toFrame(new arrow.Table([batch])), columns });
  });
  await maker.fill(source);
  const columns = maker.columns;
  if (made.length === 0) return toFrame(new arrow.Table(arrowSchema(arrow, columns)));
  const frames = made.map(({ frame, columns: own }) => unifiedFrame(pl, frame, own, columns));
  // Batches stay chunks of one frame: rechunking would copy every column once more.
  return frames.length === 1 ? frames[0]! : pl.concat(frames, { rechunk: false, how: "vertical" });
}

/** The table with its "" column called `stand` instead. */
function renameEmpty(arrow: Arrow, table: ArrowTable, stand: string): ArrowTable {
  const fields = table.schema.fields.map((f) => (f.name === "" ? new arrow.Field(stand, f.type, true) : f));
  const schema = new arrow.Schema(fields);
  return new arrow.Table(
    table.batches.map((batch) =>
      recordBatch(arrow, schema, batch.numRows, batch.data.children as ColumnData[]),
    ),
  );
}

/** The dtype of a column of this type in a flattened frame (Arrow's Utf8 is polars' String). */
const polarsType = (pl: Polars, type: ColumnType): PolarsDataType =>
  storage(type) === "integer"
    ? pl.Int64
    : type === "float"
      ? pl.Float64
      : type === "boolean"
        ? pl.Bool
        : pl.String;

/** The dtypes of a flattened frame of these unified columns: one text column "value" when there are none. */
function polarsSchema(pl: Polars, columns: readonly Column[]): Record<string, PolarsDataType> {
  if (columns.length === 0) return { [EMPTY_COLUMN]: pl.String };
  return Object.fromEntries(columns.map((c) => [c.name, polarsType(pl, c.type)]));
}

/** A batch's frame as the unified schema has it: polars casts where they agree with JS. */
function unifiedFrame(
  pl: Polars,
  frame: PolarsDataFrame,
  own: readonly Column[],
  columns: readonly Column[],
): PolarsDataFrame {
  const types = new Map(own.map((c) => [c.name, c.type]));
  const casts = [];
  const texts = [];
  for (const column of columns) {
    const how = retype(types.get(column.name), column.type);
    if (how === "values") {
      const values = frame.getColumn(column.name).toArray();
      texts.push(
        pl.Series(
          column.name,
          values.map((v: unknown) => (v === null ? null : String(v))),
          pl.Utf8,
        ),
      );
    } else if (how !== "same") {
      const from = how === "missing" ? pl.lit(null) : pl.col(column.name);
      casts.push(from.cast(polarsType(pl, column.type)).alias(column.name));
    }
  }
  // withColumns, not select: a literal there fills the frame's height; select would make one row.
  let widened = texts.length > 0 ? frame.withColumns(...texts) : frame;
  if (casts.length > 0) widened = widened.withColumns(...casts);
  const names = columns.length > 0 ? columns.map((c) => c.name) : [EMPTY_COLUMN];
  return widened.select(...names);
}

async function nestedFrame(pl: Polars, source: RecordSource): Promise<PolarsDataFrame> {
  const path = tempPath("ndjson");
  try {
    const { records } = await new JsonLinesWriter("ndjson").write(source, path);
    if (records === 0) return pl.DataFrame();
    // scanJson, not readJSON: this nodejs-polars reads NDJSON lines from a path only through a scan.
    return pl.scanJson(path, { inferSchemaLength: null }).collectSync();
  } finally {
    await rm(path, { force: true });
  }
}

/**
 * The nodejs-polars dtype of every column that recordsToPolars and fetchPolars make of these records
 * (iki-apikit's infer_polars_schema), as `{ column: DataType }`: the flattened names, each typed over
 * every record by the same code that types the frame (integers and bigints within int64 are Int64,
 * other numbers Float64, booleans Bool, anything else, mixed or only null String), without building
 * it. With no column at all, the frame's one text column "value". With `flatten: false`, polars infers
 * the nested structs: that frame is built and its schema returned.
 *
 * Async, because nodejs-polars (an optional dependency) is loaded on first use; an OutputError says
 * how to install it when it is missing.
 */
export async function inferPolarsSchema(
  records: RecordSource,
  options: FrameOptions = {},
): Promise<Record<string, PolarsDataType>> {
  const pl = await loadPolars("inferPolarsSchema");
  if (options.flatten === false) return (await nestedFrame(pl, records)).schema;
  const maker = new BatchMaker(options, () => undefined);
  await maker.fill(records);
  return polarsSchema(pl, maker.columns);
}

/** Records as an Arrow Table (see pagesToArrow). */
export function recordsToArrow(records: Iterable<unknown>, options: FrameOptions = {}): Promise<ArrowTable> {
  return pagesToArrow(records, options);
}

/** Records as a polars DataFrame (see pagesToPolars). */
export function recordsToPolars(
  records: Iterable<unknown>,
  options: FrameOptions = {},
): Promise<PolarsDataFrame> {
  return pagesToPolars(records, options);
}
