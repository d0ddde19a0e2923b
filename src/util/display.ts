// Rich display in notebooks: Deno's Jupyter kernel calls a value's `Symbol.for("Jupyter.display")`
// method and shows the MIME bundle it returns (HTML where the front end renders it, text/plain
// otherwise). Results people look at in a cell (an inspection, a dry run, a written file, how far a
// failed pull got) render as small HTML tables built here; every text is escaped, and only fields that
// are already redacted are shown.
import { JUPYTER_DISPLAY } from "./printable.js";

/** What a `Jupyter.display` method returns: text always, HTML when there is a table to show. */
export interface MimeBundle {
  "text/plain": string;
  "text/html"?: string;
}

/** Something a notebook shows through its bundle. */
export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle;
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** HTML made here (a nested table, a code block): put into a cell as it is, not escaped again. */
export class Html {
  constructor(readonly html: string) {}
}

/** A cell's value: HTML as it is; a string escaped; null/undefined as an empty cell; anything else as JSON. */
export type Cell = Html | string | number | boolean | null | undefined;

function cellHtml(value: Cell): string {
  if (value instanceof Html) return value.html;
  if (value === null || value === undefined) return "";
  return escapeHtml(String(value));
}

const TABLE = '<table style="border-collapse:collapse;text-align:left">';
const TH = '<th style="text-align:left;padding:2px 8px;vertical-align:top">';
const TD = '<td style="text-align:left;padding:2px 8px;vertical-align:top">';

function captionHtml(caption: string | undefined): string {
  return caption === undefined
    ? ""
    : `<caption style="text-align:left"><strong>${escapeHtml(caption)}</strong></caption>`;
}

/** A two-column table of labelled values, rows whose value is undefined left out. */
export function fieldsTable(rows: ReadonlyArray<readonly [string, Cell]>, caption?: string): string {
  const body = rows
    .filter(([, value]) => value !== undefined)
    .map(([label, value]) => `<tr>${TH}${escapeHtml(label)}</th>${TD}${cellHtml(value)}</td></tr>`)
    .join("");
  return `${TABLE}${captionHtml(caption)}<tbody>${body}</tbody></table>`;
}

/** A table with a header row, and under it (in the head) an optional second row such as dtypes. */
export function gridTable(
  headers: readonly string[],
  rows: ReadonlyArray<readonly Cell[]>,
  options: { caption?: string; subhead?: readonly Cell[] } = {},
): string {
  const sub = options.subhead
    ? `<tr>${options.subhead.map((c) => `${TD}${cellHtml(c)}</td>`).join("")}</tr>`
    : "";
  const head = `<thead><tr>${headers.map((h) => `${TH}${escapeHtml(h)}</th>`).join("")}</tr>${sub}</thead>`;
  const body = rows.map((row) => `<tr>${row.map((c) => `${TD}${cellHtml(c)}</td>`).join("")}</tr>`).join("");
  return `${TABLE}${captionHtml(options.caption)}${head}<tbody>${body}</tbody></table>`;
}

/** Preformatted text (code, JSON), escaped. */
export function pre(text: string): Html {
  return new Html(`<pre style="margin:0">${escapeHtml(text)}</pre>`);
}

/** A map of strings (headers, params) as a nested table, or empty when there are none. */
export function mapTable(entries: Record<string, unknown>): Html | undefined {
  const rows = Object.entries(entries).map(
    ([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)] as const,
  );
  return rows.length === 0 ? undefined : new Html(fieldsTable(rows));
}

/** A thousands-separated count: 12 345. */
export function count(n: number): string {
  return n.toLocaleString("en-US").replaceAll(",", " ");
}

/** Bytes as people read them: 812 B, 14.2 kB, 3.1 MB. */
export function bytesText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/**
 * Gives a plain object a notebook display without changing its type or its keys: the method is
 * non-enumerable, so spreading, JSON.stringify, structuredClone and toEqual see the object as it was.
 */
export function displayAs<T extends object>(value: T, bundle: (value: T) => MimeBundle): T {
  Object.defineProperty(value, JUPYTER_DISPLAY, {
    value: () => bundle(value),
    configurable: true,
    writable: true,
  });
  return value;
}

/** How far a pull to a file got before it failed, and where kept rows went (keepPartial): an error's `progress`. */
export interface PullProgress {
  records: number;
  pages: number;
  partialPath?: string;
}

/** How far a pull to a file got (an error's `progress`), as a table. */
export function progressTable(p: PullProgress): string {
  return fieldsTable([
    ["records", p.records],
    ["pages", p.pages],
    ["partial file", p.partialPath],
  ]);
}

/** An error's `progress`: a plain object that a notebook shows as a table. */
export function displayProgress(progress: PullProgress): PullProgress {
  return displayAs(progress, (p) => ({
    "text/plain": `${p.records} records in ${p.pages} pages${p.partialPath ? `, kept in ${p.partialPath}` : ""}`,
    "text/html": progressTable(p),
  }));
}
