// How a DataFrame from apikit looks in a notebook cell. nodejs-polars' own HTML table writes each
// value with String(): a struct cell (flatten: false) shows as "[object Object]", a list as "1,2", and
// an Int64 beyond 2^53 with its last digits changed. apikit's frames carry their own display instead,
// read through polars' JSON writer (exact integers, nested values as JSON); showFrame() gives the
// same display to any frame, such as one derived with df.head() or df.filter().
import { toJson } from "../flatten/index.js";
import { parseJson } from "../http/index.js";
import { type Displayable, escapeHtml, gridTable, Html, type MimeBundle } from "../util/display.js";
import { JUPYTER_DISPLAY } from "../util/printable.js";
import type { PolarsDataFrame, PolarsDataType } from "./frames.js";

/** Rows shown: POLARS_FMT_MAX_ROWS as polars reads it, else 50. */
function rowLimit(): number {
  const set = Number.parseInt(process.env.POLARS_FMT_MAX_ROWS ?? "", 10);
  return Number.isInteger(set) && set >= 0 ? set : 50;
}

/** A cell's text: nested values as JSON (bigints exact), null as "null", text as it is. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") return toJson(value);
  return String(value);
}

const SHORT: Record<string, string> = {
  Int8: "i8",
  Int16: "i16",
  Int32: "i32",
  Int64: "i64",
  UInt8: "u8",
  UInt16: "u16",
  UInt32: "u32",
  UInt64: "u64",
  Float32: "f32",
  Float64: "f64",
  String: "str",
  Utf8: "str",
  Bool: "bool",
  Null: "null",
};

/** A dtype as polars' text table names it: i64, str, list[i64], struct[2]. */
function dtypeText(dtype: PolarsDataType): string {
  const { variant } = dtype as unknown as { variant: string };
  const inner = (dtype as unknown as { inner?: unknown }).inner;
  if (variant === "List" && Array.isArray(inner) && inner[0])
    return `list[${dtypeText(inner[0] as PolarsDataType)}]`;
  if (variant === "Struct" && Array.isArray(inner)) return `struct[${inner.length}]`;
  return SHORT[variant] ?? variant.toLowerCase();
}

/** The frame's first rows as an HTML table (names and dtypes in the head) and polars' own text table. */
export function frameBundle(frame: PolarsDataFrame, rows: number = rowLimit()): MimeBundle {
  const shown = frame.head(rows);
  const names = frame.columns;
  const text = shown.height === 0 ? "" : shown.writeJSON({ format: "lines" }).toString("utf8");
  const records = text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => parseJson(line) as Record<string, unknown>);
  const table = gridTable(
    names,
    records.map((record) => names.map((n) => cellText(record[n]))),
    {
      caption: `shape: (${frame.height}, ${frame.width})`,
      subhead: frame.dtypes.map((d) => new Html(`<em>${escapeHtml(dtypeText(d))}</em>`)),
    },
  );
  const more = frame.height > shown.height ? `<p>${shown.height} of ${frame.height} rows</p>` : "";
  return { "text/plain": frame.toString(), "text/html": `${table}${more}` };
}

/**
 * Any nodejs-polars DataFrame shown as apikit shows its own: as the last expression of a Deno Jupyter
 * cell, `showFrame(df.head(10))` renders struct and list cells as JSON and Int64 values exactly.
 */
export function showFrame(frame: PolarsDataFrame, options: { rows?: number } = {}): Displayable {
  return { [JUPYTER_DISPLAY]: () => frameBundle(frame, options.rows) };
}

/** The frame, displayed as frameBundle() shows it (an own property: polars' methods are unchanged). */
export function withFrameDisplay(frame: PolarsDataFrame): PolarsDataFrame {
  Object.defineProperty(frame, JUPYTER_DISPLAY, {
    value: () => frameBundle(frame),
    configurable: true,
    writable: true,
  });
  return frame;
}
