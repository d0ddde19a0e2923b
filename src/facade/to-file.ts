// fetchToFile's commit protocol: the writer fills a temporary file beside the target while pages
// arrive; only a complete pull is renamed into place (or, for DuckDB, merged into an existing
// database inside one transaction). A pull that fails half-way leaves the target untouched, says
// how far it got, and with keepPartial keeps what it had in `<file>.partial`, in the same format.
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ApikitError, OutputError } from "../errors.js";
import type { Page } from "../pagination/index.js";
import { bytesText, count, displayAs, displayProgress, fieldsTable } from "../util/display.js";
import { plural } from "../util/plural.js";
import {
  type Format,
  formatFromPath,
  getWriter,
  mergeDatabase,
  moveDatabase,
  removeDatabase,
  siblingPath,
} from "../writers/index.js";
import type { FileOutputOptions } from "./call-options.js";
import type { InvalidRecord } from "./record-ops.js";

export type { FileOutputOptions };

export interface FileOutputResult {
  /** Absolute path of the written file. */
  path: string;
  format: Format;
  records: number;
  pages: number;
  /** Size of the written file in bytes. */
  bytes: number;
  /** The pull stopped at maxPages/maxItems while the API had more. */
  truncated: boolean;
  /** With `onInvalid: "collect"`: the records that failed the schema (left out of the file). */
  invalid?: InvalidRecord[];
}

/** "Wrote 1 000 records in 10 pages to /data/orders.parquet (parquet, 84.1 kB)", and what was cut or left out. */
export function fileOutputText(result: FileOutputResult): string {
  const notes = [
    ...(result.truncated ? ["truncated at maxPages/maxItems: the API had more"] : []),
    ...(result.invalid?.length
      ? [`${plural(result.invalid.length, "invalid record")} left out (see .invalid)`]
      : []),
  ];
  return `Wrote ${plural(result.records, "record")} in ${plural(result.pages, "page")} to ${result.path} (${result.format}, ${bytesText(result.bytes)})${notes.map((n) => `; ${n}`).join("")}`;
}

/** The result as fetchToFile and graphqlToFile give it: a plain object that a notebook shows as a table. */
export function displayFileOutput(result: FileOutputResult): FileOutputResult {
  return displayAs(result, (r) => ({
    "text/plain": fileOutputText(r),
    "text/html": fieldsTable(
      [
        ["path", r.path],
        ["format", r.format],
        ["records", count(r.records)],
        ["pages", count(r.pages)],
        ["size", bytesText(r.bytes)],
        ["truncated", r.truncated ? "yes: stopped at maxPages/maxItems while the API had more" : "no"],
        ["invalid", r.invalid === undefined ? undefined : `${count(r.invalid.length)} left out of the file`],
      ],
      "fetchToFile",
    ),
  }));
}

export function resolveFormat(options: FileOutputOptions): Format {
  if (typeof options.filePath !== "string" || options.filePath.trim() === "") {
    throw new OutputError("fetchToFile needs filePath: the file to write");
  }
  if (options.format !== undefined) return getWriter(options.format).format;
  const format = formatFromPath(options.filePath);
  if (!format) {
    throw new OutputError(
      `Cannot tell the output format from "${options.filePath}": pass format (parquet, ndjson, jsonl, csv, arrow, json or duckdb) or use one of those extensions`,
    );
  }
  return format;
}

export async function writePagesToFile(
  pages: AsyncIterable<Page<unknown>>,
  options: FileOutputOptions,
): Promise<FileOutputResult> {
  const format = resolveFormat(options);
  const writer = getWriter(format);
  const target = resolve(options.filePath);
  await mkdir(dirname(target), { recursive: true });
  const temp = siblingPath(target, "tmp");
  const progress = { records: 0, pages: 0, truncated: false };
  let failure: { error: unknown } | undefined;
  const keepPartial = options.keepPartial === true;
  const source = async function* () {
    try {
      for await (const page of pages) {
        progress.pages += 1;
        progress.records += page.records.length;
        if (page.truncated) progress.truncated = true;
        yield page.records;
      }
    } catch (error) {
      failure = { error };
      // With keepPartial the writer finishes a valid file from what came so far.
      if (!keepPartial) throw error;
    }
  };
  const discard = () => discardOutput(temp, format);
  const { filePath: _f, format: _fmt, keepPartial: _k, checkpoint: _c, ...writeOptions } = options;
  try {
    await writer.write(source(), temp, writeOptions);
  } catch (error) {
    await discard();
    if (failure) throw withProgress(failure.error, progress, target);
    throw error instanceof ApikitError
      ? error
      : new OutputError(`Writing ${format} to ${target} failed: ${(error as Error).message}`, {
          cause: error,
        });
  }
  if (failure) {
    const partial = `${target}.partial`;
    if (format === "duckdb") {
      await removeDatabase(partial);
      await moveDatabase(temp, partial);
    } else await rename(temp, partial);
    throw withProgress(failure.error, progress, target, { partial });
  }
  await commitOutput(temp, target, format, options);
  return { path: target, format, ...progress, bytes: (await stat(target)).size };
}

export function discardOutput(temp: string, format: Format): Promise<void> {
  return format === "duckdb" ? removeDatabase(temp) : rm(temp, { force: true });
}

/** Puts a finished temp file in place: a rename, or for DuckDB a transactional merge into an existing file. */
export async function commitOutput(
  temp: string,
  target: string,
  format: Format,
  options: Pick<FileOutputOptions, "table" | "mode">,
): Promise<void> {
  try {
    if (format === "duckdb")
      await mergeDatabase(temp, target, options.table ?? "data", options.mode ?? "replace");
    else await rename(temp, target);
  } catch (error) {
    await discardOutput(temp, format);
    throw error instanceof ApikitError
      ? error
      : new OutputError(
          `Could not put the ${format} output in place at ${target}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
  }
}

/** The fetch error, typed as it was, with how far the pull got and where (if anywhere) rows went. */
export function withProgress(
  error: unknown,
  progress: { records: number; pages: number },
  target: string,
  after: { partial: string } | { checkpoint: string } | Record<string, never> = {},
): ApikitError {
  const partial = "partial" in after ? after.partial : undefined;
  const where = partial
    ? `the ${progress.records} records fetched so far are in ${partial}`
    : "checkpoint" in after
      ? `nothing was written to ${target}; run the same pull again to resume from ${after.checkpoint}`
      : `nothing was written to ${target}`;
  const typed =
    error instanceof ApikitError
      ? error
      : new ApikitError(error instanceof Error ? error.message : String(error), { cause: error });
  typed.message = `${typed.message} (after ${progress.records} records in ${progress.pages} pages; ${where})`;
  typed.progress = displayProgress({
    records: progress.records,
    pages: progress.pages,
    ...(partial ? { partialPath: partial } : {}),
  });
  return typed;
}
