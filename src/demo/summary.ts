// The text `apikit demo` prints when it is done: what was pulled, what was survived, what was written.
import { basename, dirname, relative } from "node:path";
import type { DemoPullResult } from "./pull.js";
import type { ResourceStats } from "./server.js";

export interface SummaryInput {
  result: DemoPullResult;
  served: ResourceStats;
  url: string;
  preview: { file: string; text: string };
  /** A shell command that queries the DuckDB file with what this machine has (the CLI works it out). */
  query: string;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A path as the user would type it: relative to the working directory when under it. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel === "" || rel.startsWith("..") ? path : rel;
}

function table(rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    `  ${r.map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ")}`.trimEnd(),
  );
}

export function formatSummary({ result, served, url, preview, query }: SummaryInput): string {
  const { resources, retries, rateLimitWaits, duckdb } = result;
  const lines = [
    `apikit demo: pulled ${plural(resources.length, "resource")} from the demo API at ${url} in ${seconds(result.elapsedMs)}`,
    "",
    ...table(
      [
        ["resource", "pagination", "records", "pages"],
        ...resources.map((r) => [r.name, r.style, String(r.records), String(r.pages)]),
      ],
      new Set([2, 3]),
    ),
    "",
  ];
  const byStatus = Object.entries(retries.byStatus)
    .map(([status, n]) => `${n} × ${status}`)
    .join(", ");
  const held =
    rateLimitWaits.count > 0
      ? `; ${plural(rateLimitWaits.count, "request")} held ${seconds(rateLimitWaits.waitMs)} by the rate-limit gate`
      : "";
  lines.push(
    retries.count === 0
      ? `  no retries were needed${held}`
      : `  survived ${plural(retries.count, "retry", "retries")} (${byStatus}), ${seconds(retries.waitMs)} of waits in all, many at the same time${held}`,
    `  the server answered ${plural(served.requests, "request")}, injecting ${served.rateLimited} × 429 and ${served.unavailable} × 503`,
    "",
    `  files in ${displayPath(dirname(duckdb.path))}/`,
  );
  const rows = result.resources.map((r) => [
    basename(r.parquet.path),
    formatBytes(r.parquet.bytes),
    `${r.records} rows`,
  ]);
  const counts = new Set(resources.map((r) => r.duckdbRecords));
  const rowsNote =
    counts.size === 1
      ? `${[...counts][0]} rows each`
      : resources.map((r) => `${r.name} ${r.duckdbRecords}`).join(", ");
  rows.push([
    basename(duckdb.path),
    formatBytes(duckdb.bytes),
    `tables ${duckdb.tables.join(", ")} (${rowsNote})`,
  ]);
  lines.push(...table(rows, new Set([1])).map((l) => `  ${l}`), "");
  lines.push(
    `  ${preview.file}, first 5 rows (nodejs-polars):`,
    ...preview.text.split("\n").map((l) => `  ${l}`),
    "",
  );
  lines.push(`  try: ${query}`);
  return `${lines.join("\n")}\n`;
}
