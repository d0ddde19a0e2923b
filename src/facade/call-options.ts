// Per-call options as zod schemas, composed from one another and checked once at the edge of every
// public method (as the client options are), so a typo like `pageSzie` is a ConfigError with a
// "did you mean", never a silent default. The types are inferred from the schemas.
import { z } from "zod";
import { configError, PaginationConfig } from "../config/index.js";
import type { Paginator } from "../pagination/index.js";
import { FrameOptionsSchema, WriteOptionsSchema } from "../writers/index.js";
import type { CheckpointStore } from "./checkpoint.js";
import type { InvalidRecord } from "./record-ops.js";

const ParamValue = z.union([z.string(), z.number(), z.boolean(), z.bigint(), z.null(), z.undefined()]);
const Params = z.record(z.string(), z.union([ParamValue, z.array(ParamValue).readonly()]));
const Headers = z.record(z.string(), z.string());
const Signal = z.custom<AbortSignal>((v) => v instanceof AbortSignal, { error: "must be an AbortSignal" });
const Timeout = z.number().positive();
const RecordFunction = z.custom<(record: Record<string, unknown>) => unknown>(
  (v) => typeof v === "function",
  { error: "must be a function" },
);
/** A user's paginator: the exported Paginator contract (strategy, first, next). */
const UserPaginator = z.custom<Paginator>(
  (v) => {
    const p = v as Partial<Paginator> | null;
    return typeof p?.strategy === "string" && typeof p.first === "function" && typeof p.next === "function";
  },
  { error: "must be a Paginator: an object with a strategy name, first() and next()" },
);
const RecordSchema = z.custom<z.ZodType>(
  (v) => typeof (v as { safeParse?: unknown } | null)?.safeParse === "function",
  { error: "must be a zod schema" },
);

/** What every call that sends requests takes. */
const CallOptions = z.strictObject({
  params: Params.optional(),
  headers: Headers.optional(),
  signal: Signal.optional(),
  /** Per-call timeout in ms (headers and body each), instead of the client's. */
  timeoutMs: Timeout.optional(),
  /** @deprecated The same timeout under its old name (ms too): use `timeoutMs`. */
  timeout: Timeout.optional(),
  /** Describe the request(s) without sending anything. */
  dryRun: z.boolean().optional(),
});

export const RequestOptionsSchema = CallOptions.extend({
  /** A JSON body (objects are serialised; strings and bytes are sent as they are). */
  body: z.unknown().optional(),
});
export type RequestOptions = z.input<typeof RequestOptionsSchema>;

export const InspectOptionsSchema = CallOptions.extend({
  /** Where the records are, when the detector should not guess. */
  dataPath: z.string().optional(),
});
export type InspectOptions = z.input<typeof InspectOptionsSchema>;

export const RecordOptionsSchema = z.strictObject({
  /** Dot paths to keep; nested paths keep their nesting ("owner.login" → { owner: { login } }). */
  select: z.array(z.string()).optional(),
  /** Dot paths to drop. */
  exclude: z.array(z.string()).optional(),
  /** Old name → new name (dot paths allowed on both sides). */
  rename: z.record(z.string(), z.string()).optional(),
  /** Last step; return undefined to drop the record. */
  transform: RecordFunction.optional(),
  /**
   * Validates every record as the API sent it, before the steps above (they shape what the schema
   * gave back: its defaults, coercions and key stripping apply; `z.looseObject` keeps other keys).
   */
  schema: RecordSchema.optional(),
  /** A record that fails the schema: raise (default) RecordValidationError, skip it (warned once per pull), or collect it. */
  onInvalid: z.enum(["raise", "skip", "collect"]).optional(),
});

export type OnInvalid = NonNullable<z.infer<typeof RecordOptionsSchema>["onInvalid"]>;

/** The record steps of a call; `schema` types the records as `T`. */
export type RecordOptions<T = unknown> = Omit<z.input<typeof RecordOptionsSchema>, "schema"> & {
  schema?: z.ZodType<T> | undefined;
};

export const IncrementalOptionsSchema = z.strictObject({
  /** Dot path of the field that grows with each change, e.g. "updated_at" or "id". */
  cursorField: z.string().min(1),
  /** Query parameter that carries the high-water mark, e.g. "since". */
  param: z.string().min(1),
  /** The mark for the very first run (without it, the first run sends nothing and keeps everything). */
  initialValue: z.union([z.string(), z.number()]).optional(),
  /** Where the mark is kept between runs (JSON). */
  stateFile: z.string().min(1),
  /**
   * A timestamp mark: re-read this many ms before it, for late-arriving changes. Records in the
   * window come again (at-least-once).
   */
  lookbackMs: z.number().min(0).optional(),
  /**
   * A numeric mark (an id, a version): re-read this many units before it. For a timestamp mark it is
   * read as seconds, the old meaning: deprecated there, use lookbackMs.
   */
  lookback: z.number().min(0).optional(),
});
export type IncrementalOptions = z.input<typeof IncrementalOptionsSchema>;

export const FetchOptionsSchema = PaginationConfig.partial()
  .extend(CallOptions.shape)
  .extend(RecordOptionsSchema.shape)
  .extend({
    /**
     * Your own paginator for a scheme the built-in strategies do not cover (the Paginator contract);
     * a fresh one per call, since it keeps the state of one pull.
     */
    paginator: UserPaginator.optional(),
    /** Follow pages. Defaults to true when the client has a strategy other than "none" or a paginator. */
    paginate: z.boolean().optional(),
    /** GET by default; POST for search endpoints that take a JSON body (see cursorIn: "body"). */
    method: z.string().min(1).optional(),
    body: z.record(z.string(), z.unknown()).optional(),
    /**
     * Pages of this listing in flight at once (offset and page listings; cursor and Link ones are
     * sequential by nature). Default: the client's `concurrency` (4), never above it.
     */
    concurrency: z.int().min(1).optional(),
    /** Only what changed since the last run: the high-water mark of a field, kept in a state file. */
    incremental: IncrementalOptionsSchema.optional(),
    /**
     * true: a live progress bar on stderr when it is a terminal (pages, records, records/s, retries),
     * plain lines otherwise (each retry and long wait with its reason, a status line every 5 s, a
     * closing line). Not given: those lines in a notebook kernel, nothing elsewhere. false: nothing.
     */
    progress: z.boolean().optional(),
  });

/** Per-call options of pages, stream, fetchRecords and the outputs built on them. */
export type FetchOptions<T = Record<string, unknown>> = Omit<
  z.input<typeof FetchOptionsSchema>,
  keyof RecordOptions
> &
  RecordOptions<T>;

export const FileOutputOptionsSchema = WriteOptionsSchema.extend({
  /** Where to write. Its extension picks the format unless `format` is given. */
  filePath: z.string(),
  /** parquet, ndjson, jsonl, csv, arrow, json or duckdb (case-insensitive). */
  format: z.string().optional(),
  /** On a failed pull, keep the records fetched so far in `<filePath>.partial`. Default false. */
  keepPartial: z.boolean().optional(),
  /**
   * A checkpoint file: after each page is durably written, the next request and the counts are saved
   * there; running the same pull again after a crash resumes from the last completed page. Or a
   * CheckpointStore (read/write/remove) that keeps it elsewhere, as the cluster does in Redis.
   */
  checkpoint: z
    .union([
      z.string().min(1),
      z.custom<CheckpointStore>(
        (v) =>
          typeof v === "object" &&
          v !== null &&
          typeof (v as CheckpointStore).read === "function" &&
          typeof (v as CheckpointStore).write === "function" &&
          typeof (v as CheckpointStore).remove === "function",
        { error: "must be a file path or a CheckpointStore (read, write, remove)" },
      ),
    ])
    .optional(),
});
export type FileOutputOptions = z.input<typeof FileOutputOptionsSchema>;

export const GraphQLOptionsSchema = CallOptions.omit({ params: true }).extend({
  variables: z.record(z.string(), z.unknown()).optional(),
  operationName: z.string().optional(),
  /** Follow a Relay connection (pageInfo.hasNextPage / endCursor). */
  paginate: z.boolean().optional(),
  /** Dot path to the connection inside `data`, required with paginate. */
  connectionPath: z.string().min(1).optional(),
  pageSize: z.int().positive().optional(),
  maxPages: z.int().positive().optional(),
  maxItems: z.int().positive().optional(),
  maxEmptyPages: z.int().positive().optional(),
  readAhead: z.boolean().optional(),
  /** As for REST listings: "truncate" (default) or "raise" when maxPages/maxItems leaves nodes unread. */
  onLimit: z.enum(["truncate", "raise"]).optional(),
  /** As for REST listings: a bar on a terminal, plain lines elsewhere; unasked, lines in a notebook only. */
  progress: z.boolean().optional(),
  cursorVariable: z.string().min(1).optional(),
  pageSizeVariable: z.string().min(1).optional(),
});
export type GraphQLOptions = z.input<typeof GraphQLOptionsSchema>;

export const FetchManyOptionsSchema = z.strictObject({
  concurrency: z.int().min(1).optional(),
  /** raise: the first failure rejects; skip: leave the label out; empty: give it []. */
  onError: z.enum(["raise", "skip", "empty"]).optional(),
});
export type FetchManyOptions = z.input<typeof FetchManyOptionsSchema>;

/** Records that failed the schema, beside the ones that passed (`onInvalid: "collect"`). */
export interface CollectedRecords<T> {
  records: T[];
  errors: InvalidRecord[];
  /** maxPages or maxItems stopped the pull while the API had more. */
  truncated: boolean;
}

/**
 * Checks a call's options against its schema: a ConfigError naming each wrong or unknown key (with
 * close matches) and the method it was given to. The caller keeps using its own object, so signals,
 * schemas and functions pass through untouched and no default is filled in here.
 */
export function checkOptions(schema: z.ZodType, options: unknown, method: string): void {
  if (options === undefined) return;
  const result = schema.safeParse(options);
  if (!result.success) throw configError(schema, result.error, `${method} options`);
}

/** fetchToFile: a listing and where it goes. */
export const FetchToFileOptionsSchema = FetchOptionsSchema.extend(FileOutputOptionsSchema.shape);
/** fetchPolars / fetchArrow: a listing and how its frame is shaped. */
export const FetchFrameOptionsSchema = FetchOptionsSchema.extend(FrameOptionsSchema.shape);
/** graphqlToFile: a Relay connection and where it goes. */
export const GraphQLToFileOptionsSchema = GraphQLOptionsSchema.extend(FileOutputOptionsSchema.shape);
