// The ends of a pull: an array of records, a stream, a file (atomic or resumable), a DataFrame or an
// Arrow table. Each takes a Pull and only decides where its records go.
import { ConfigError, PaginationError } from "../errors.js";
import {
  type ArrowTable,
  type FrameOptions,
  type PolarsDataFrame,
  pagesToArrow,
  pagesToPolars,
} from "../writers/index.js";
import type { FileOutputOptions } from "./call-options.js";
import { writeResumable } from "./checkpoint.js";
import type { Pull } from "./pull.js";
import type { InvalidRecord } from "./record-ops.js";
import { displayFileOutput, type FileOutputResult, writePagesToFile } from "./to-file.js";

/**
 * The records of a listing, one at a time; with `onInvalid: "collect"`, `invalid` fills as it goes;
 * `truncated` turns true when maxPages or maxItems stopped it while the API had more.
 */
export type RecordStream<T> = AsyncGenerator<T, void, undefined> & {
  readonly invalid: InvalidRecord[];
  readonly truncated: boolean;
};

/** Every record in one array; a PaginationError carries the records read before it. */
export async function collectRecords<T>(pull: Pull<T>): Promise<T[]> {
  const records: T[] = [];
  try {
    for await (const page of pull.all()) for (const record of page.records) records.push(record);
  } catch (error) {
    if (error instanceof PaginationError) error.records = records;
    throw error;
  }
  return records;
}

/** The records one at a time, the pull opened on the first `next()`. */
export function streamRecords<T>(open: () => Promise<Pull<T>>): RecordStream<T> {
  const invalid: InvalidRecord[] = [];
  let truncated = false;
  const records = (async function* () {
    const pull = await open();
    if (pull.dryRun) {
      pull.describe();
      return;
    }
    for await (const page of pull.all()) {
      if (page.invalid) invalid.push(...page.invalid);
      if (page.truncated) truncated = true;
      yield* page.records;
    }
  })();
  return Object.defineProperties(records, {
    invalid: { value: invalid, enumerable: true },
    truncated: { get: () => truncated, enumerable: true },
  }) as RecordStream<T>;
}

/** Into a file, page by page: atomic, or resumable with a checkpoint. The pull commits once the file is in place. */
export async function pullToFile<T>(
  pull: Pull<T>,
  options: FileOutputOptions,
  collect: boolean,
): Promise<FileOutputResult> {
  const { filePath, format, keepPartial, table, mode, sep, rowsPerGroup, checkpoint } = options;
  if (checkpoint && pull.incremental) {
    throw new ConfigError(
      "fetchToFile: checkpoint and incremental cannot be combined yet (a resumed run would lose the high-water mark of the part written before the crash); use one or the other",
      [{ path: "incremental", message: "not with checkpoint" }],
    );
  }
  const output = { filePath, format, table, mode, sep, rowsPerGroup };
  const result = checkpoint
    ? await writeResumable(pull, { ...output, checkpoint })
    : await writePagesToFile(pull.pages(), { ...output, keepPartial });
  await pull.commit();
  return displayFileOutput(collect ? { ...result, invalid: pull.invalid } : result);
}

/** A nodejs-polars DataFrame, schema unified over all pages. */
export function pullToPolars<T>(pull: Pull<T>, options: FrameOptions): Promise<PolarsDataFrame> {
  return pull.into((pages) => pagesToPolars(pages, options));
}

/** An apache-arrow Table of flattened columns, schema unified over all pages. */
export function pullToArrow<T>(pull: Pull<T>, options: Pick<FrameOptions, "sep">): Promise<ArrowTable> {
  return pull.into((pages) => pagesToArrow(pages, options));
}
