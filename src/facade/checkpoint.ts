// Resumable pulls. Each page's records are written to a journal beside the target (at the offset the
// last checkpoint recorded) and fsynced; then the checkpoint (a file written atomically, or any
// CheckpointStore: the cluster keeps it in Redis) records the next request and the counts. Killed at
// any moment, a re-run of the same pull truncates the journal to the last recorded length and goes on
// from the next request; once the listing is complete, the target is written from the journal in
// the requested format (ndjson/jsonl: the journal itself is renamed), so the result equals an
// uninterrupted run record for record. Nothing appears at the target before that.
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, open, rename, rm, stat, truncate } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import { issueLines } from "../config/index.js";
import { OutputError } from "../errors.js";
import { toJson } from "../flatten/index.js";
import { parseJson } from "../http/index.js";
import type { LoopPage, PageRequest, ResumePoint } from "../pagination/index.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { FORMATS, type Format, getWriter, siblingPath } from "../writers/index.js";
import { parseState, readStateFile, type StateFileProblem } from "./state-file.js";
import {
  commitOutput,
  discardOutput,
  type FileOutputOptions,
  type FileOutputResult,
  resolveFormat,
  withProgress,
} from "./to-file.js";

const VERSION = 1;

export interface CheckpointState {
  apikit: "checkpoint";
  version: number;
  /** Hash of what identifies the pull: method, URL and params, body, format, table, pagination. */
  fingerprint: string;
  /** For people reading the file (secrets redacted). */
  pull: { url: string; format: Format; target: string };
  /** The strategy `auto` settled on, so a resumed pull does not detect again. */
  strategy?: { name: string; settings: Record<string, unknown> } | undefined;
  /** The request to send next; null once the listing is complete. */
  next: { method: string; url: string; body?: unknown } | null;
  pages: number;
  records: number;
  truncated: boolean;
  recordsPath?: string | null | undefined;
  journal: string;
  journalBytes: number;
  updatedAt: string;
}

export interface ResumableRun {
  /** What identifies this pull (hashed into the checkpoint). */
  identity: Record<string, unknown>;
  /** The first request as the user asked for it (its redacted parameters are restored from it). */
  request: PageRequest;
  redactUrl(url: URL | string): string;
  redactText(text: string): string;
  /** The pages, from the start or from a resume point, with an optional strategy override. */
  pages(
    resume: ResumePoint | undefined,
    strategy: CheckpointState["strategy"],
  ): AsyncIterable<LoopPage<unknown>>;
  /** The strategy `auto` settled on, after the first page (undefined for explicit strategies). */
  detected(): CheckpointState["strategy"];
}

/** Where a resumable pull keeps its checkpoint: a file (`checkpoint: "path"`), or any store of this shape. */
export interface CheckpointStore {
  /** Where it is, for messages: a path, or a Redis key. */
  readonly where: string;
  /** The saved state (checked: a damaged one throws OutputError naming `where`), or undefined for none. */
  read(): Promise<CheckpointState | undefined>;
  /** Saves the state so that a crash leaves the old one or the new one, never half of one. */
  write(state: CheckpointState): Promise<void>;
  remove(): Promise<void>;
}

/** The checkpoint as a JSON file, written atomically (fetchToFile's `checkpoint: "path"`). */
export class FileCheckpointStore implements CheckpointStore {
  readonly where: string;
  constructor(path: string) {
    this.where = resolve(path);
  }
  read(): Promise<CheckpointState | undefined> {
    return readStateFile(this.where, CheckpointFile, (problem) => checkpointProblem(this.where, problem));
  }
  async write(state: CheckpointState): Promise<void> {
    await writeFileAtomic(this.where, `${toJson(state, 2)}\n`, { mode: 0o600 });
  }
  async remove(): Promise<void> {
    await rm(this.where, { force: true });
  }
}

/** A checkpoint kept as text elsewhere (Redis), checked as a file's would be. */
export function parseCheckpoint(text: string, where: string): CheckpointState {
  return parseState(text, CheckpointFile, (problem) => checkpointProblem(where, problem));
}

export function checkpointText(state: CheckpointState): string {
  return toJson(state);
}

export async function writeResumable(
  run: ResumableRun,
  options: FileOutputOptions & { checkpoint: string | CheckpointStore },
): Promise<FileOutputResult> {
  const format = resolveFormat(options);
  const target = resolve(options.filePath);
  const store =
    typeof options.checkpoint === "string" ? new FileCheckpointStore(options.checkpoint) : options.checkpoint;
  const checkpointPath = store.where;
  await mkdir(dirname(target), { recursive: true });
  if (store instanceof FileCheckpointStore) await mkdir(dirname(checkpointPath), { recursive: true });
  const fingerprint = hash({ ...run.identity, format, table: options.table, mode: options.mode });

  let state = await store.read();
  if (state && state.fingerprint !== fingerprint) {
    throw new OutputError(
      `The checkpoint ${checkpointPath} was written for a different pull (${state.pull.url} → ${state.pull.format} ${state.pull.target}); ` +
        "remove it to start over, or pass another checkpoint file.",
    );
  }
  const journal = state?.journal ?? join(dirname(target), `.${basename(target)}.journal.ndjson`);
  if (state && state.next === null && !existsSync(journal) && existsSync(target)) {
    // A previous run finished writing the target and stopped before removing its checkpoint.
    await store.remove();
    return {
      path: target,
      format,
      records: state.records,
      pages: state.pages,
      truncated: state.truncated,
      bytes: (await stat(target)).size,
    };
  }
  if (state && !existsSync(journal)) {
    throw new OutputError(
      `The checkpoint ${checkpointPath} refers to the journal ${journal}, which is gone; remove the checkpoint to start over.`,
    );
  }
  if (state) await truncate(journal, state.journalBytes);
  // Written at the offset the checkpoint knows (not appended): a page written twice (a worker that lost
  // its partition to another and did not know yet) lands on the same bytes instead of after them.
  const handle = await open(journal, state ? "r+" : "w", 0o600);
  let journalBytes = state?.journalBytes ?? 0;
  const progress = {
    pages: state?.pages ?? 0,
    records: state?.records ?? 0,
    truncated: state?.truncated ?? false,
  };
  let strategy = state?.strategy;
  let done = state?.next === null;
  try {
    if (!done) {
      const resume: ResumePoint | undefined = state?.next
        ? {
            request: restoreRequest(state.next, run.request),
            pages: state.pages,
            records: state.records,
            recordsPath: state.recordsPath,
          }
        : undefined;
      for await (const page of run.pages(resume, strategy)) {
        let chunk = "";
        for (const record of page.records) chunk += `${toJson(record)}\n`;
        if (chunk !== "") {
          const bytes = Buffer.from(chunk);
          await handle.write(bytes, 0, bytes.length, journalBytes);
          journalBytes += bytes.length;
        }
        await handle.sync();
        progress.pages += 1;
        progress.records += page.records.length;
        progress.truncated ||= page.truncated;
        strategy ??= run.detected();
        state = {
          apikit: "checkpoint",
          version: VERSION,
          fingerprint,
          pull: { url: run.redactUrl(run.request.url), format, target },
          strategy,
          next: page.next ? describeRequest(page.next, run) : null,
          ...progress,
          recordsPath: page.recordsPath,
          journal,
          journalBytes,
          updatedAt: new Date().toISOString(),
        };
        await store.write(state);
      }
      done = true;
    }
  } catch (error) {
    await handle.close();
    throw withProgress(error, progress, target, { checkpoint: checkpointPath });
  }
  await handle.close();
  // Bytes past the last checkpoint (a page written twice) are not part of the pull.
  await truncate(journal, journalBytes);
  return finish(format, journal, target, store, options, progress);
}

async function finish(
  format: Format,
  journal: string,
  target: string,
  store: CheckpointStore,
  options: FileOutputOptions,
  progress: { pages: number; records: number; truncated: boolean },
): Promise<FileOutputResult> {
  if (format === "ndjson" || format === "jsonl") {
    await rename(journal, target);
  } else {
    const temp = siblingPath(target, "tmp");
    try {
      await getWriter(format).write(readJournal(journal), temp, {
        table: options.table,
        mode: options.mode,
        sep: options.sep,
        rowsPerGroup: options.rowsPerGroup,
      });
    } catch (error) {
      await discardOutput(temp, format);
      throw error;
    }
    await commitOutput(temp, target, format, options);
    await rm(journal, { force: true });
  }
  await store.remove();
  return { path: target, format, ...progress, bytes: (await stat(target)).size };
}

async function* readJournal(path: string): AsyncGenerator<unknown[]> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let batch: unknown[] = [];
  for await (const line of lines) {
    if (line === "") continue;
    batch.push(parseJson(line));
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function describeRequest(request: PageRequest, run: ResumableRun): CheckpointState["next"] {
  return {
    method: request.method,
    url: run.redactUrl(request.url),
    ...(request.body === undefined ? {} : { body: parseJson(run.redactText(toJson(request.body))) }),
  };
}

/** The saved next request, with any parameter the redactor hid taken back from the original request. */
function restoreRequest(saved: NonNullable<CheckpointState["next"]>, original: PageRequest): PageRequest {
  const url = new URL(saved.url);
  for (const [key, value] of [...url.searchParams]) {
    if (value === "[REDACTED]" && original.url.searchParams.has(key))
      url.searchParams.set(key, original.url.searchParams.get(key)!);
  }
  return { method: saved.method, url, body: saved.body as PageRequest["body"] };
}

/**
 * What a checkpoint file must hold for a resume to be right: every field the resume reads, checked,
 * so that a damaged or hand-edited file stops with its path and field instead of resuming wrongly.
 */
const CheckpointFile = z.object({
  apikit: z.literal("checkpoint"),
  version: z.literal(VERSION),
  fingerprint: z.string(),
  pull: z.object({ url: z.string(), format: z.enum(FORMATS), target: z.string() }),
  strategy: z.object({ name: z.string(), settings: z.record(z.string(), z.unknown()) }).optional(),
  next: z
    .object({
      method: z.string().min(1),
      url: z.string().refine((url) => URL.canParse(url), "not an absolute URL"),
      body: z.unknown().optional(),
    })
    .nullable(),
  pages: z.int().min(0),
  records: z.int().min(0),
  truncated: z.boolean(),
  recordsPath: z.string().nullable().optional(),
  journal: z.string().min(1),
  journalBytes: z.int().min(0),
  updatedAt: z.string(),
});

function checkpointProblem(path: string, problem: StateFileProblem): Error {
  if (problem.kind === "unreadable") {
    return new OutputError(`Cannot read the checkpoint ${path}: ${problem.error.message}`, {
      cause: problem.error,
    });
  }
  if (problem.kind === "not-json") {
    return new OutputError(`The checkpoint ${path} is not valid JSON; remove it to start over.`);
  }
  const marker = problem.json as Partial<Record<"apikit" | "version", unknown>> | null;
  if (marker?.apikit !== "checkpoint" || marker.version !== VERSION) {
    return new OutputError(
      `${path} is not an apikit checkpoint (version ${VERSION}); remove it to start over.`,
    );
  }
  return new OutputError(
    `The checkpoint ${path} is damaged; remove it to start over:\n${issueLines(problem.issues)}`,
  );
}

function hash(value: unknown): string {
  return createHash("sha256").update(toJson(value)).digest("hex");
}
