// Apikit: the facade. It owns one ClientCore (settings, transport, redaction) and opens one Pull per
// listing call; every fetch method is a sink over that pull (facade/sinks.ts), and every option is
// checked against its zod schema here, at the edge.
import type { Dispatcher } from "undici";
import type { AuthStrategy } from "../auth/index.js";
import { type ApiConfig, type ApiConfigInput, redactBaseUrl } from "../config/index.js";
import type { ApikitDispatcher, Hooks, Logger, RateLimitState } from "../http/index.js";
import { type InspectorResult, inspectListing } from "../inspect/index.js";
import type { Page } from "../pagination/index.js";
import { INSPECT, JUPYTER_DISPLAY } from "../util/printable.js";
import type { ArrowTable, FrameOptions, PolarsDataFrame } from "../writers/index.js";
import {
  type CollectedRecords,
  checkOptions,
  FetchFrameOptionsSchema,
  type FetchManyOptions,
  FetchManyOptionsSchema,
  type FetchOptions,
  FetchOptionsSchema,
  FetchToFileOptionsSchema,
  type FileOutputOptions,
  type GraphQLOptions,
  GraphQLOptionsSchema,
  GraphQLToFileOptionsSchema,
  type InspectOptions,
  InspectOptionsSchema,
  type RequestOptions,
  RequestOptionsSchema,
} from "./call-options.js";
import { ClientCore } from "./core.js";
import { DryRunResult } from "./dry-run.js";
import { type FetchManyResult, type FetchManySpec, fetchMany } from "./fetch-many.js";
import { type FromNameOptions, resolveNamed } from "./from-name.js";
import type { ApikitOptions } from "./options.js";
import { type ListingPage, Pull, type PullSource } from "./pull.js";
import type { InvalidRecord } from "./record-ops.js";
import { type ApiResponse, sendGraphQL, sendRequest } from "./requests.js";
import {
  collectRecords,
  pullToArrow,
  pullToFile,
  pullToPolars,
  type RecordStream,
  streamRecords,
} from "./sinks.js";
import { type FileOutputResult, resolveFormat } from "./to-file.js";

type Frame<T> = FetchOptions<T> & FrameOptions;
type ArrowOptions<T> = FetchOptions<T> & Pick<FrameOptions, "sep">;
type ToFile<T> = FetchOptions<T> & FileOutputOptions;

export class Apikit implements AsyncDisposable {
  readonly config: ApiConfig;
  /** The resilient transport: pass it to fetch() or any undici-based client to get retries, limits and auth. */
  readonly dispatcher: ApikitDispatcher;
  readonly logger: Logger;
  readonly auth: AuthStrategy;
  readonly #core: ClientCore;

  constructor(options: ApikitOptions) {
    this.#core = new ClientCore(options);
    this.config = this.#core.config;
    this.dispatcher = this.#core.dispatcher;
    this.logger = this.#core.logger;
    this.auth = this.#core.auth;
  }

  static fromConfig(config: ApiConfigInput, extras: { logger?: Logger | false; hooks?: Hooks } = {}): Apikit {
    return new Apikit({ ...config, ...extras });
  }

  /**
   * A client for a built-in connector ("github", "stripe", ...) or one saved with the config manager,
   * its secrets found in order: option → environment → .env → ~/.netrc → the OS keyring.
   */
  static async fromName(name: string, overrides: FromNameOptions = {}): Promise<Apikit> {
    return new Apikit(await resolveNamed(name, overrides));
  }

  /** The client-wide request budget: the configured maximum, the adaptive limit now, and requests in flight. */
  get concurrency(): { max: number; limit: number; active: number } {
    const { limiter } = this.#core;
    return { max: limiter.max, limit: limiter.limit, active: limiter.active };
  }

  /** The server's rate-limit headroom as last reported. */
  get rateLimit(): RateLimitState {
    return this.dispatcher.rateLimitState;
  }

  #open<T>(source: PullSource): Promise<Pull<T>> {
    return Pull.open<T>(this.#core, source);
  }

  // ── listings ───────────────────────────────────────────────────────────────

  /**
   * Every page of a listing, in order: `{ records, index, status, headers, url, last, truncated }`
   * (and `invalid` with `onInvalid: "collect"`).
   */
  pages<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> = {},
  ): AsyncGenerator<ListingPage<T>> {
    checkOptions(FetchOptionsSchema, options, "pages");
    return this.#pages<T>({ path, options: options as FetchOptions<unknown> });
  }

  async *#pages<T>(source: PullSource): AsyncGenerator<ListingPage<T>> {
    const pull = await this.#open<T>(source);
    if (pull.dryRun) pull.describe();
    else yield* pull.all();
  }

  /**
   * Every record of a listing, one at a time, fetched page by page. With `onInvalid: "collect"`, the
   * records that failed the schema gather in the stream's `invalid` array as the pages come.
   */
  stream<T = Record<string, unknown>>(path: string, options: FetchOptions<T> = {}): RecordStream<T> {
    checkOptions(FetchOptionsSchema, options, "stream");
    return streamRecords(() => this.#open<T>({ path, options: options as FetchOptions<unknown> }));
  }

  /** Alias of stream(), for iki-apikit users. */
  astream<T = Record<string, unknown>>(path: string, options: FetchOptions<T> = {}): RecordStream<T> {
    return this.stream<T>(path, options);
  }

  /** All records of a listing. With `onInvalid: "collect"`, also the records that failed the schema. */
  fetchRecords<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> & { dryRun: true },
  ): Promise<DryRunResult>;
  fetchRecords<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> & { onInvalid: "collect" },
  ): Promise<CollectedRecords<T>>;
  fetchRecords<T = Record<string, unknown>>(path: string, options?: FetchOptions<T>): Promise<T[]>;
  async fetchRecords<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> = {},
  ): Promise<T[] | CollectedRecords<T> | DryRunResult> {
    checkOptions(FetchOptionsSchema, options, "fetchRecords");
    const pull = await this.#open<T>({ path, options: options as FetchOptions<unknown> });
    if (pull.dryRun) return pull.describe();
    const records = await collectRecords(pull);
    return options.onInvalid === "collect"
      ? { records, errors: pull.invalid, truncated: pull.truncated }
      : records;
  }

  /**
   * Streams a listing into a file, page by page, in constant memory: parquet, ndjson, jsonl, csv,
   * arrow, json or duckdb. Written beside the target and renamed into place only when complete.
   */
  fetchToFile<T = Record<string, unknown>>(
    path: string,
    options: ToFile<T> & { dryRun: true },
  ): Promise<DryRunResult>;
  fetchToFile<T = Record<string, unknown>>(path: string, options: ToFile<T>): Promise<FileOutputResult>;
  async fetchToFile<T = Record<string, unknown>>(
    path: string,
    options: ToFile<T>,
  ): Promise<FileOutputResult | DryRunResult> {
    checkOptions(FetchToFileOptionsSchema, options, "fetchToFile");
    const output = { format: resolveFormat(options), path: options.filePath };
    const { filePath, format, keepPartial, table, mode, sep, rowsPerGroup, checkpoint, ...fetch } = options;
    const pull = await this.#open<T>({ path, options: fetch as FetchOptions<unknown> });
    if (pull.dryRun) return pull.describe(output);
    return pullToFile(pull, options, fetch.onInvalid === "collect");
  }

  /**
   * A listing as a nodejs-polars DataFrame: flattened (or with structs, `flatten: false`), schema
   * unified over all pages. With `onInvalid: "collect"`, `{ frame, errors }`.
   */
  fetchPolars<T = Record<string, unknown>>(
    path: string,
    options: Frame<T> & { dryRun: true },
  ): Promise<DryRunResult>;
  fetchPolars<T = Record<string, unknown>>(
    path: string,
    options: Frame<T> & { onInvalid: "collect" },
  ): Promise<{ frame: PolarsDataFrame; errors: InvalidRecord[]; truncated: boolean }>;
  fetchPolars<T = Record<string, unknown>>(path: string, options?: Frame<T>): Promise<PolarsDataFrame>;
  async fetchPolars<T = Record<string, unknown>>(
    path: string,
    options: Frame<T> = {},
  ): Promise<
    PolarsDataFrame | { frame: PolarsDataFrame; errors: InvalidRecord[]; truncated: boolean } | DryRunResult
  > {
    checkOptions(FetchFrameOptionsSchema, options, "fetchPolars");
    const { flatten, sep, ...fetch } = options;
    const pull = await this.#open<T>({ path, options: fetch as FetchOptions<unknown> });
    if (pull.dryRun) return pull.describe();
    const frame = await pullToPolars(pull, { flatten, sep });
    return fetch.onInvalid === "collect" ? { frame, errors: pull.invalid, truncated: pull.truncated } : frame;
  }

  /**
   * A listing as an apache-arrow Table of flattened columns, schema unified over all pages. With
   * `onInvalid: "collect"`, `{ table, errors }`.
   */
  fetchArrow<T = Record<string, unknown>>(
    path: string,
    options: ArrowOptions<T> & { dryRun: true },
  ): Promise<DryRunResult>;
  fetchArrow<T = Record<string, unknown>>(
    path: string,
    options: ArrowOptions<T> & { onInvalid: "collect" },
  ): Promise<{ table: ArrowTable; errors: InvalidRecord[]; truncated: boolean }>;
  fetchArrow<T = Record<string, unknown>>(path: string, options?: ArrowOptions<T>): Promise<ArrowTable>;
  async fetchArrow<T = Record<string, unknown>>(
    path: string,
    options: ArrowOptions<T> = {},
  ): Promise<ArrowTable | { table: ArrowTable; errors: InvalidRecord[]; truncated: boolean } | DryRunResult> {
    checkOptions(FetchFrameOptionsSchema.omit({ flatten: true }), options, "fetchArrow");
    const { sep, ...fetch } = options;
    const pull = await this.#open<T>({ path, options: fetch as FetchOptions<unknown> });
    if (pull.dryRun) return pull.describe();
    const table = await pullToArrow(pull, { sep });
    return fetch.onInvalid === "collect" ? { table, errors: pull.invalid, truncated: pull.truncated } : table;
  }

  /**
   * Several listings concurrently (at most `concurrency` at a time), keyed by label. A label whose
   * options say `onInvalid: "collect"` gets `{ records, errors }`; the others get their records.
   */
  async fetchMany<const S extends FetchManySpec>(
    spec: S,
    options: FetchManyOptions = {},
  ): Promise<FetchManyResult<S>> {
    checkOptions(FetchManyOptionsSchema, options, "fetchMany");
    return fetchMany((path, opts) => this.fetchRecords(path, opts), this.logger, spec, options);
  }

  // ── inspect ────────────────────────────────────────────────────────────────

  /**
   * One real request to a listing, and what it says: status, latency, redacted headers, where the
   * records are, the detected pagination, a schema sample, the rate-limit headroom, and a suggested
   * config (TypeScript and TOML) that keeps the URL's base path.
   */
  inspect(path: string, options: InspectOptions & { dryRun: true }): Promise<DryRunResult>;
  inspect(path: string, options?: InspectOptions): Promise<InspectorResult>;
  async inspect(path: string, options: InspectOptions = {}): Promise<InspectorResult | DryRunResult> {
    checkOptions(InspectOptionsSchema, options, "inspect");
    const core = this.#core;
    const url = core.url(path, options.params);
    const { headers } = core.encode(options.headers, undefined);
    if (options.dryRun) return core.describe("GET", url, headers, undefined, false, {});
    const { signal, dataPath } = options;
    const timeoutMs = this.#core.callTimeout(options);
    return inspectListing(core, { url, headers, signal, timeoutMs, dataPath });
  }

  // ── single requests ────────────────────────────────────────────────────────

  /** One request; the parsed JSON body with status, headers and URL. */
  request<_T = unknown>(
    method: string,
    path: string,
    options: RequestOptions & { dryRun: true },
  ): Promise<DryRunResult>;
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  async request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T> | DryRunResult> {
    checkOptions(RequestOptionsSchema, options, `request (${method})`);
    return sendRequest<T>(this.#core, method, path, options);
  }

  get<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.#data<T>("GET", path, options);
  }
  post<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.#data<T>("POST", path, options);
  }
  put<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.#data<T>("PUT", path, options);
  }
  patch<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.#data<T>("PATCH", path, options);
  }
  delete<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.#data<T>("DELETE", path, options);
  }

  async #data<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const result = await this.request<T>(method, path, options);
    return (result instanceof DryRunResult ? result : result.data) as T;
  }

  // ── GraphQL ────────────────────────────────────────────────────────────────

  /**
   * A GraphQL query or mutation. Without `paginate`, the `data` of the response. With `paginate`,
   * every node of the Relay connection at `connectionPath`, across all pages.
   */
  async graphql<T = unknown>(path: string, query: string, options: GraphQLOptions = {}): Promise<T> {
    checkOptions(GraphQLOptionsSchema, options, "graphql");
    if (!options.paginate) return (await sendGraphQL<T>(this.#core, path, query, options)) as T;
    const pull = await this.#open<unknown>({ path, query, options });
    if (pull.dryRun) return pull.describe() as T;
    return (await collectRecords(pull)) as T;
  }

  /** The pages of a Relay connection, for stream-style iteration. */
  graphqlPages<T = Record<string, unknown>>(
    path: string,
    query: string,
    options: GraphQLOptions = {},
  ): AsyncGenerator<Page<T>> {
    checkOptions(GraphQLOptionsSchema, options, "graphqlPages");
    return this.#pages<T>({ path, query, options });
  }

  /** Every node of a Relay connection, one at a time. */
  graphqlStream<T = Record<string, unknown>>(
    path: string,
    query: string,
    options: GraphQLOptions = {},
  ): RecordStream<T> {
    checkOptions(GraphQLOptionsSchema, options, "graphqlStream");
    return streamRecords(() => this.#open<T>({ path, query, options }));
  }

  /**
   * Every node of a Relay connection into a file, like fetchToFile (any format, atomic, `checkpoint`
   * to resume after a crash, `keepPartial`).
   */
  graphqlToFile(
    path: string,
    query: string,
    options: GraphQLOptions & FileOutputOptions & { dryRun: true },
  ): Promise<DryRunResult>;
  graphqlToFile(
    path: string,
    query: string,
    options: GraphQLOptions & FileOutputOptions,
  ): Promise<FileOutputResult>;
  async graphqlToFile(
    path: string,
    query: string,
    options: GraphQLOptions & FileOutputOptions,
  ): Promise<FileOutputResult | DryRunResult> {
    checkOptions(GraphQLToFileOptionsSchema, options, "graphqlToFile");
    const output = { format: resolveFormat(options), path: options.filePath };
    const { filePath, format, keepPartial, table, mode, sep, rowsPerGroup, checkpoint, ...gql } = options;
    const pull = await this.#open<unknown>({ path, query, options: { ...gql, paginate: true } });
    if (pull.dryRun) return pull.describe(output);
    return pullToFile(pull, options, false);
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────

  /** Closes the pooled connections. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ── printed forms: one line, no secret and none of undici's internals ─────────

  /** `Apikit <baseUrl> (<auth type>, <pagination>)`, the base URL redacted. */
  toString(): string {
    const { baseUrl, authType, pagination } = this.toJSON();
    return `Apikit ${baseUrl} (${authType}, ${pagination})`;
  }

  toJSON(): { baseUrl: string; authType: string; pagination: string } {
    const strategy = this.config.pagination.strategy;
    return {
      baseUrl: redactBaseUrl(this.config.baseUrl, this.#core.redactor),
      authType: this.auth.type,
      // What a fetch does unless told otherwise: without a strategy it fetches one page.
      pagination: strategy === undefined || strategy === "none" ? "no pagination" : `${strategy} pagination`,
    };
  }

  [INSPECT](): string {
    return this.toString();
  }

  /** Deno's Jupyter kernel shows this for a cell whose value is the client. */
  [JUPYTER_DISPLAY](): { "text/plain": string } {
    return { "text/plain": this.toString() };
  }
}

export type { Dispatcher };
