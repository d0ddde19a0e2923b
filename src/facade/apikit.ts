// Apikit: the facade. It wires config → transport → paginator → record steps; every fetch method is
// a different end of the one page loop in pagination/loop.ts.
import type { Dispatcher } from "undici";
import { type AuthStrategy, createAuthStrategy } from "../auth/index.js";
import {
  type ApiConfig,
  type ApiConfigInput,
  PaginationConfig,
  type PaginationConfigInput,
  parseConfig,
  redactBaseUrl,
  redactWhenPrinted,
} from "../config/index.js";
import { ApikitError, ConfigError, HttpError, PaginationError } from "../errors.js";
import { flattenRecord, SchemaBuilder, toJson } from "../flatten/index.js";
import { assertNoGraphQLErrors, RelayPaginator } from "../graphql/index.js";
import {
  type ApikitDispatcher,
  createDispatcher,
  createRedactor,
  defaultLogger,
  type Hooks,
  isSecretHeader,
  type Logger,
  Observer,
  RateLimitState,
  type Redactor,
  send,
} from "../http/index.js";
import { AdaptiveLimiter } from "../http/limiter.js";
import { InspectorResult } from "../inspect/index.js";
import {
  AutoPaginator,
  createPaginator,
  detectPagination,
  type FetchedPage,
  locateRecords,
  type Page,
  type PageRequest,
  type Paginator,
  paginate,
  type ResumePoint,
  recordsAt,
} from "../pagination/index.js";
import { INSPECT, JUPYTER_DISPLAY } from "../util/printable.js";
import {
  type ArrowTable,
  type FrameOptions,
  type PolarsDataFrame,
  pagesToArrow,
  pagesToPolars,
} from "../writers/index.js";
import {
  type CollectedRecords,
  checkOptions,
  FetchFrameOptionsSchema,
  type FetchManyOptions,
  FetchManyOptionsSchema,
  type FetchOptions,
  FetchOptionsSchema,
  FetchToFileOptionsSchema,
  type GraphQLOptions,
  GraphQLOptionsSchema,
  GraphQLToFileOptionsSchema,
  type InspectOptions,
  InspectOptionsSchema,
  type RequestOptions,
  RequestOptionsSchema,
} from "./call-options.js";
import { type ResumableRun, writeResumable } from "./checkpoint.js";
import { DryRunResult } from "./dry-run.js";
import { type FromNameOptions, resolveNamed } from "./from-name.js";
import { IncrementalState } from "./incremental.js";
import { type ApikitOptions, normalizeOptions } from "./options.js";
import { compileRecordSteps, type InvalidRecord, InvalidRecords, type RecordOptions } from "./record-ops.js";
import { type FileOutputOptions, type FileOutputResult, resolveFormat, writePagesToFile } from "./to-file.js";
import { buildUrl, type Params } from "./url.js";

export type {
  CollectedRecords,
  FetchManyOptions,
  FetchOptions,
  GraphQLOptions,
  InspectOptions,
  RequestOptions,
} from "./call-options.js";

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  data: T;
  url: string;
}

export type FetchManySpec = Record<string, string | readonly [path: string, options: FetchOptions]>;

/** What fetchMany gives each label: its records, or `{ records, errors }` where it collects invalid ones. */
export type FetchManyResult<S extends FetchManySpec> = {
  [K in keyof S]: S[K] extends readonly [string, { onInvalid: "collect" }]
    ? CollectedRecords<Record<string, unknown>>
    : Record<string, unknown>[];
};

/** A page of a listing as the fetch methods see it: its records after the record steps. */
export interface ListingPage<T> extends Page<T> {
  /** With `onInvalid: "collect"`: this page's records that failed the schema. */
  invalid?: InvalidRecord[];
}

/** The records of a listing one at a time; with `onInvalid: "collect"`, `invalid` fills as it goes. */
export type RecordStream<T> = AsyncGenerator<T, void, undefined> & { readonly invalid: InvalidRecord[] };

const PAGINATION_KEYS = Object.keys(PaginationConfig.shape) as Array<keyof PaginationConfigInput>;
const DEFAULT_ACCEPT = "application/json";

export class Apikit implements AsyncDisposable {
  readonly config: ApiConfig;
  /** The resilient transport: pass it to fetch() or any undici-based client to get retries, limits and auth. */
  readonly dispatcher: ApikitDispatcher;
  readonly logger: Logger;
  readonly auth: AuthStrategy;
  readonly #observer: Observer;
  readonly #redactor: Redactor;
  readonly #baseHeaders: Record<string, string>;
  readonly #limiter: AdaptiveLimiter;

  constructor(options: ApikitOptions) {
    this.config = redactWhenPrinted(normalizeOptions(options));
    this.logger = options.logger ?? defaultLogger();
    const userHooks: Hooks = options.hooks ?? {};
    this.#limiter = new AdaptiveLimiter(this.config.concurrency);
    // The budget listens to the transport too: a 429 or a rate-limit wait halves it.
    const limiter = this.#limiter;
    const hooks: Hooks = {
      ...userHooks,
      onRetry(event) {
        if (event.status === 429) limiter.throttle();
        return userHooks.onRetry?.call(userHooks, event);
      },
      onRateLimit(event) {
        limiter.throttle();
        return userHooks.onRateLimit?.call(userHooks, event);
      },
    };
    this.auth = createAuthStrategy(this.config.auth);
    this.#observer = new Observer(this.logger, hooks);
    // A credential among the static headers (e.g. GitLab's PRIVATE-TOKEN) is kept as safe as the auth's.
    const headerSecrets = Object.entries(lowerKeys(this.config.headers)).filter(([name]) =>
      isSecretHeader(name),
    );
    this.#redactor = createRedactor({
      extraHeaders: [...this.auth.sensitiveHeaders],
      extraParams: [...this.auth.sensitiveParams],
      secrets: [...this.auth.secrets(), ...headerSecrets.map(([, value]) => value)],
    });
    const { config } = this;
    this.dispatcher = createDispatcher({
      baseUrl: config.baseUrl,
      auth: this.auth,
      credentialHeaders: headerSecrets.map(([name]) => name),
      retry: config.retry,
      timeout: config.timeout,
      connections: config.connections,
      verifySsl: config.verifySsl,
      maxRedirects: config.maxRedirects,
      rateLimit: config.rateLimit,
      rateLimitThreshold: config.rateLimitThreshold,
      logger: this.logger,
      hooks,
      redactor: this.#redactor,
    });
    this.#baseHeaders = {
      accept: DEFAULT_ACCEPT,
      "user-agent": config.userAgent ?? "apikit",
      ...lowerKeys(config.headers),
    };
  }

  static fromConfig(config: ApiConfigInput, extras: { logger?: Logger; hooks?: Hooks } = {}): Apikit {
    return new Apikit({ ...(config as ApikitOptions), ...extras });
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
    return { max: this.#limiter.max, limit: this.#limiter.limit, active: this.#limiter.active };
  }

  /** The server's rate-limit headroom as last reported. */
  get rateLimit(): RateLimitState {
    return this.dispatcher.rateLimitState;
  }

  // ── the page loop ──────────────────────────────────────────────────────────

  /**
   * Every page of a listing, in order: `{ records, index, status, headers, url, last, truncated }`
   * (and `invalid` with `onInvalid: "collect"`).
   */
  pages<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> = {},
  ): AsyncGenerator<ListingPage<T>> {
    checkOptions(FetchOptionsSchema, options, "pages");
    return this.#pages<T>(path, options);
  }

  async *#pages<T>(path: string, options: FetchOptions<T>): AsyncGenerator<ListingPage<T>> {
    const incremental =
      options.incremental && !options.dryRun ? await IncrementalState.load(options.incremental) : undefined;
    const effective = withSince(options, incremental);
    const plan = this.#plan(path, effective);
    if (options.dryRun) {
      this.#printDryRun(plan.dryRun);
      return;
    }
    yield* this.#run<T>(plan, effective, { incremental });
    // The listing was read to its end: the new high-water mark may be stored.
    await incremental?.commit();
  }

  /**
   * Every record of a listing, one at a time, fetched page by page. With `onInvalid: "collect"`, the
   * records that failed the schema gather in the stream's `invalid` array as the pages come.
   */
  stream<T = Record<string, unknown>>(path: string, options: FetchOptions<T> = {}): RecordStream<T> {
    checkOptions(FetchOptionsSchema, options, "stream");
    const invalid: InvalidRecord[] = [];
    const pages = this.#pages<T>(path, options);
    const records = (async function* () {
      for await (const page of pages) {
        if (page.invalid) invalid.push(...page.invalid);
        yield* page.records;
      }
    })();
    return Object.defineProperty(records, "invalid", { value: invalid, enumerable: true }) as RecordStream<T>;
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
    if (options.dryRun) return this.#printDryRun(this.#plan(path, options).dryRun);
    const records: T[] = [];
    const errors: InvalidRecord[] = [];
    try {
      for await (const page of this.#pages<T>(path, options)) {
        for (const record of page.records) records.push(record);
        if (page.invalid) errors.push(...page.invalid);
      }
    } catch (error) {
      if (error instanceof PaginationError) error.records = records;
      throw error;
    }
    return options.onInvalid === "collect" ? { records, errors } : records;
  }

  // ── outputs ────────────────────────────────────────────────────────────────

  /**
   * Streams a listing into a file, page by page, in constant memory: parquet, ndjson, jsonl, csv,
   * arrow, json or duckdb. Written beside the target and renamed into place only when complete.
   */
  fetchToFile<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> & FileOutputOptions & { dryRun: true },
  ): Promise<DryRunResult>;
  fetchToFile<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> & FileOutputOptions,
  ): Promise<FileOutputResult>;
  async fetchToFile<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> & FileOutputOptions,
  ): Promise<FileOutputResult | DryRunResult> {
    checkOptions(FetchToFileOptionsSchema, options, "fetchToFile");
    resolveFormat(options);
    const { filePath, format, keepPartial, table, mode, sep, rowsPerGroup, checkpoint, ...fetch } = options;
    if (fetch.dryRun) return this.#printDryRun(this.#plan(path, fetch).dryRun);
    if (checkpoint && fetch.incremental) {
      throw new ConfigError(
        "fetchToFile: checkpoint and incremental cannot be combined yet (a resumed run would lose the high-water mark of the part written before the crash); use one or the other",
        [{ path: "incremental", message: "not with checkpoint" }],
      );
    }
    const incremental = fetch.incremental ? await IncrementalState.load(fetch.incremental) : undefined;
    const effective = withSince(fetch as FetchOptions<T>, incremental);
    const base = this.#plan(path, effective);
    let paginator: Paginator = base.paginator;
    const invalid: InvalidRecord[] = [];
    const result = await this.#toFile(options, {
      identity: {
        method: base.request.method,
        url: this.#redactor.redactUrl(base.request.url),
        body: base.request.body === undefined ? null : this.#redactor.redactText(toJson(base.request.body)),
        pagination: stripUndefined(base.pagination),
      },
      request: base.request,
      pages: (resume, strategy) => {
        // A resumed `auto` pull goes on with the strategy it had settled on.
        const opts = (
          strategy ? { ...effective, strategy: strategy.name, ...strategy.settings } : effective
        ) as FetchOptions<T>;
        const plan = strategy ? this.#plan(path, opts) : base;
        paginator = plan.paginator;
        return gatherInvalid(this.#run<T>(plan, opts, { resume, incremental }), invalid);
      },
      detected: () =>
        paginator instanceof AutoPaginator && paginator.detected
          ? { name: paginator.detected.strategy, settings: { ...paginator.detected.settings } }
          : undefined,
    });
    // Only now is the output complete: the new high-water mark may be stored.
    await incremental?.commit();
    return fetch.onInvalid === "collect" ? { ...result, invalid } : result;
  }

  /** The file output of every listing: atomic, or resumable with a checkpoint. */
  #toFile(
    options: FileOutputOptions,
    run: Omit<ResumableRun, "redactUrl" | "redactText">,
  ): Promise<FileOutputResult> {
    const { filePath, format, keepPartial, table, mode, sep, rowsPerGroup, checkpoint } = options;
    const output = { filePath, format, table, mode, sep, rowsPerGroup };
    if (!checkpoint) return writePagesToFile(run.pages(undefined, undefined), { ...output, keepPartial });
    return writeResumable(
      {
        ...run,
        redactUrl: (url) => this.#redactor.redactUrl(url),
        redactText: (text) => this.#redactor.redactText(text),
      },
      { ...output, checkpoint },
    );
  }

  /**
   * A listing as a nodejs-polars DataFrame: flattened (or with structs, `flatten: false`), schema
   * unified over all pages. With `onInvalid: "collect"`, `{ frame, errors }`.
   */
  fetchPolars<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> & FrameOptions & { dryRun: true },
  ): Promise<DryRunResult>;
  fetchPolars<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> & FrameOptions & { onInvalid: "collect" },
  ): Promise<{ frame: PolarsDataFrame; errors: InvalidRecord[] }>;
  fetchPolars<T = Record<string, unknown>>(
    path: string,
    options?: FetchOptions<T> & FrameOptions,
  ): Promise<PolarsDataFrame>;
  async fetchPolars<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> & FrameOptions = {},
  ): Promise<PolarsDataFrame | { frame: PolarsDataFrame; errors: InvalidRecord[] } | DryRunResult> {
    checkOptions(FetchFrameOptionsSchema, options, "fetchPolars");
    const { flatten, sep, ...fetch } = options;
    if (fetch.dryRun) return this.#printDryRun(this.#plan(path, fetch).dryRun);
    const errors: InvalidRecord[] = [];
    const frame = await pagesToPolars(gatherInvalid(this.#pages<T>(path, fetch), errors), { flatten, sep });
    return fetch.onInvalid === "collect" ? { frame, errors } : frame;
  }

  /**
   * A listing as an apache-arrow Table of flattened columns, schema unified over all pages. With
   * `onInvalid: "collect"`, `{ table, errors }`.
   */
  fetchArrow<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> & Pick<FrameOptions, "sep"> & { dryRun: true },
  ): Promise<DryRunResult>;
  fetchArrow<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> & Pick<FrameOptions, "sep"> & { onInvalid: "collect" },
  ): Promise<{ table: ArrowTable; errors: InvalidRecord[] }>;
  fetchArrow<T = Record<string, unknown>>(
    path: string,
    options?: FetchOptions<T> & Pick<FrameOptions, "sep">,
  ): Promise<ArrowTable>;
  async fetchArrow<T = Record<string, unknown>>(
    path: string,
    options: FetchOptions<T> & Pick<FrameOptions, "sep"> = {},
  ): Promise<ArrowTable | { table: ArrowTable; errors: InvalidRecord[] } | DryRunResult> {
    checkOptions(FetchFrameOptionsSchema.omit({ flatten: true }), options, "fetchArrow");
    const { sep, ...fetch } = options;
    if (fetch.dryRun) return this.#printDryRun(this.#plan(path, fetch).dryRun);
    const errors: InvalidRecord[] = [];
    const table = await pagesToArrow(gatherInvalid(this.#pages<T>(path, fetch), errors), { sep });
    return fetch.onInvalid === "collect" ? { table, errors } : table;
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
    const url = this.#url(path, options.params);
    const { headers } = this.#encode(options.headers, undefined);
    if (options.dryRun) return this.#printDryRun(this.#describe("GET", url, headers, undefined, false, {}));
    const response = await this.#send({
      method: "GET",
      url,
      headers,
      signal: options.signal,
      timeoutMs: options.timeout,
    });
    const location = locateRecords(response.data, options.dataPath);
    const records = recordsAt(response.data, location);
    const detected = detectPagination(
      { status: response.status, headers: response.headers, data: response.data, records },
      url,
    );
    const schema = new SchemaBuilder();
    for (const record of records) schema.add(flattenRecord(record));
    const { baseUrl, path: lastPath } = splitBase(url);
    const paginationParams = new Set(
      [
        this.config.pagination.offsetParam,
        this.config.pagination.limitParam,
        this.config.pagination.pageParam,
        this.config.pagination.cursorParam,
        detected.settings.offsetParam,
        detected.settings.limitParam,
        detected.settings.pageParam,
        detected.settings.cursorParam,
      ].filter((p): p is string => typeof p === "string"),
    );
    const params: Record<string, string> = {};
    for (const [k, v] of new URL(this.#redactor.redactUrl(url)).searchParams) {
      if (!paginationParams.has(k)) params[k] = v;
    }
    return new InspectorResult({
      url: this.#redactor.redactUrl(url),
      status: response.status,
      latencyMs: response.latencyMs,
      headers: this.#redactor.redactHeaders(response.headers),
      contentType: headerText(response.headers["content-type"]),
      dataPath: location,
      recordCount: records.length,
      detectedPagination: detected,
      rateLimit: RateLimitState.parse(response.headers),
      schema: schema.toObject(),
      baseUrl,
      path: lastPath,
      params,
      authType: this.auth.type,
      name: nameFromHost(url.hostname),
    });
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
    const url = this.#url(path, options.params);
    const upper = method.toUpperCase();
    const { headers, body } = this.#encode(options.headers, options.body);
    if (options.dryRun)
      return this.#printDryRun(this.#describe(upper, url, headers, options.body, false, {}));
    const response = await this.#send({
      method: upper,
      url,
      headers,
      body,
      signal: options.signal,
      timeoutMs: options.timeout,
    });
    return {
      status: response.status,
      headers: response.headers,
      data: response.data as T,
      url: response.url,
    };
  }

  async get<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.#data<T>("GET", path, options);
  }
  async post<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.#data<T>("POST", path, options);
  }
  async put<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.#data<T>("PUT", path, options);
  }
  async patch<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.#data<T>("PATCH", path, options);
  }
  async delete<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.#data<T>("DELETE", path, options);
  }

  // ── many listings at once ──────────────────────────────────────────────────

  /**
   * Several listings concurrently (at most `concurrency` at a time), keyed by label. A label whose
   * options say `onInvalid: "collect"` gets `{ records, errors }`; the others get their records.
   */
  async fetchMany<const S extends FetchManySpec>(
    spec: S,
    options: FetchManyOptions = {},
  ): Promise<FetchManyResult<S>> {
    checkOptions(FetchManyOptionsSchema, options, "fetchMany");
    const concurrency = options.concurrency ?? 4;
    const onError = options.onError ?? "raise";
    const entries = Object.entries(spec);
    const results: Record<string, unknown> = {};
    let nextIndex = 0;
    let failure: unknown;
    const worker = async () => {
      while (failure === undefined && nextIndex < entries.length) {
        const [label, target] = entries[nextIndex++]!;
        const [path, opts] = typeof target === "string" ? [target, {}] : target;
        try {
          results[label] = await this.fetchRecords(path, { ...opts, dryRun: false });
        } catch (error) {
          if (onError === "raise") failure ??= error;
          else {
            this.logger.warn(
              `fetchMany: ${label} failed and was ${onError === "skip" ? "skipped" : "left empty"}: ${errorText(error)}`,
            );
            if (onError === "empty")
              results[label] = opts.onInvalid === "collect" ? { records: [], errors: [] } : [];
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
    if (failure !== undefined) throw failure;
    // Keep the caller's label order, whatever order the requests finished in.
    return Object.fromEntries(
      entries.filter(([l]) => l in results).map(([l]) => [l, results[l]]),
    ) as FetchManyResult<S>;
  }

  // ── GraphQL ────────────────────────────────────────────────────────────────

  /**
   * A GraphQL query or mutation. Without `paginate`, the `data` of the response. With `paginate`,
   * every node of the Relay connection at `connectionPath`, across all pages.
   */
  async graphql<T = unknown>(path: string, query: string, options: GraphQLOptions = {}): Promise<T> {
    checkOptions(GraphQLOptionsSchema, options, "graphql");
    if (options.paginate) {
      if (options.dryRun) return this.#printDryRun(this.#graphqlPlan(path, query, options).dryRun) as T;
      const nodes: unknown[] = [];
      for await (const page of this.graphqlPages(path, query, options)) nodes.push(...page.records);
      return nodes as T;
    }
    const url = this.#url(path);
    const payload = graphqlBody(query, options);
    const { headers, body } = this.#encode(options.headers, payload);
    if (options.dryRun)
      return this.#printDryRun(this.#describe("POST", url, headers, payload, false, {})) as T;
    const response = await this.#send({
      method: "POST",
      url,
      headers,
      body,
      signal: options.signal,
      timeoutMs: options.timeout,
    });
    assertNoGraphQLErrors(
      response.data,
      { method: "POST", url: this.#redactor.redactUrl(url), status: response.status },
      this.#redactor.redactText,
    );
    return (response.data as { data?: T } | null)?.data as T;
  }

  /** The pages of a Relay connection, for stream-style iteration. */
  async *graphqlPages<T = Record<string, unknown>>(
    path: string,
    query: string,
    options: GraphQLOptions = {},
  ): AsyncGenerator<Page<T>> {
    checkOptions(GraphQLOptionsSchema, options, "graphqlPages");
    const plan = this.#graphqlPlan(path, query, options);
    if (options.dryRun) {
      this.#printDryRun(plan.dryRun);
      return;
    }
    yield* this.#relayPages<T>(plan, options);
  }

  /**
   * Every node of a Relay connection into a file, like fetchToFile (any format, atomic, `checkpoint`
   * to resume after a crash, `keepPartial`).
   */
  async graphqlToFile(
    path: string,
    query: string,
    options: GraphQLOptions & FileOutputOptions,
  ): Promise<FileOutputResult | DryRunResult> {
    checkOptions(GraphQLToFileOptionsSchema, options, "graphqlToFile");
    resolveFormat(options);
    const {
      filePath: _f,
      format: _fmt,
      keepPartial: _k,
      table: _t,
      mode: _m,
      sep: _s,
      rowsPerGroup: _r,
      checkpoint: _c,
      ...gql
    } = options;
    const plan = this.#graphqlPlan(path, query, { ...gql, paginate: true });
    if (gql.dryRun) return this.#printDryRun(plan.dryRun);
    return this.#toFile(options, {
      identity: {
        method: "POST",
        url: this.#redactor.redactUrl(plan.request.url),
        body: this.#redactor.redactText(toJson(plan.request.body ?? null)),
        connectionPath: gql.connectionPath,
        pageSize: gql.pageSize ?? null,
      },
      request: plan.request,
      pages: (resume) => this.#relayPages(plan, gql, resume),
      detected: () => undefined,
    });
  }

  #relayPages<T>(
    plan: { paginator: RelayPaginator; request: PageRequest },
    options: GraphQLOptions,
    resume?: ResumePoint,
  ): AsyncGenerator<Page<T>> {
    const { maxPages, maxItems, maxEmptyPages, readAhead } = options;
    return this.#run<T>(
      { ...plan, pagination: { maxPages, maxItems, maxEmptyPages, readAhead } },
      { signal: options.signal, timeout: options.timeout, headers: options.headers },
      { extract: plan.paginator.extract, graphql: true, resume },
    );
  }

  /** Every node of a Relay connection, one at a time. */
  async *graphqlStream<T = Record<string, unknown>>(
    path: string,
    query: string,
    options: GraphQLOptions = {},
  ): AsyncGenerator<T> {
    for await (const page of this.graphqlPages<T>(path, query, options)) yield* page.records;
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────

  /** Closes the pooled connections. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ── internals ──────────────────────────────────────────────────────────────

  #plan(path: string, options: FetchOptions<unknown>) {
    const overrides: Record<string, unknown> = {};
    for (const key of PAGINATION_KEYS) if (options[key] !== undefined) overrides[key] = options[key];
    const pagination = parseConfig(
      PaginationConfig,
      { ...stripUndefined(this.config.pagination), ...overrides },
      "pagination options",
      "pagination",
    );
    const url = this.#url(path, options.params);
    const strategy = pagination.strategy;
    let paginate = options.paginate ?? (strategy !== undefined && strategy !== "none");
    if (paginate && explicitPageParam(url, pagination)) {
      this.logger.debug("an explicit page/offset/cursor parameter was given: fetching just that page");
      paginate = false;
    }
    const effective = {
      ...pagination,
      strategy: paginate ? (strategy === undefined || strategy === "none" ? "auto" : strategy) : "none",
    } as PaginationConfig;
    const method = (options.method ?? "GET").toUpperCase();
    const request: PageRequest = { method, url, body: options.body };
    const paginator = createPaginator(effective, this.logger);
    const { headers } = this.#encode(options.headers, options.body);
    const described = paginate ? paginator.first(request) : request;
    const settings: Record<string, unknown> = paginate ? stripUndefined(effective) : {};
    // Described only when a dry run asks (it may call the auth strategy).
    const describe = () => this.#describe(method, described.url, headers, described.body, paginate, settings);
    return {
      paginator,
      request,
      pagination: effective,
      get dryRun() {
        return describe();
      },
    };
  }

  #graphqlPlan(
    path: string,
    query: string,
    options: GraphQLOptions,
  ): { paginator: RelayPaginator; request: PageRequest; readonly dryRun: DryRunResult } {
    if (!options.connectionPath) {
      throw new ApikitError(
        "graphql({ paginate: true }) needs connectionPath: the dot path to the Relay connection inside data",
      );
    }
    const paginator = new RelayPaginator({
      connectionPath: options.connectionPath,
      pageSize: options.pageSize,
      ...(options.cursorVariable ? { cursorVariable: options.cursorVariable } : {}),
      ...(options.pageSizeVariable ? { pageSizeVariable: options.pageSizeVariable } : {}),
    });
    const url = this.#url(path);
    const request: PageRequest = { method: "POST", url, body: graphqlBody(query, options) };
    const { headers } = this.#encode(options.headers, request.body);
    const first = paginator.first(request);
    const settings = {
      strategy: "relay",
      connectionPath: options.connectionPath,
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      ...(options.maxPages ? { maxPages: options.maxPages } : {}),
    };
    const describe = () => this.#describe("POST", url, headers, first.body, true, settings);
    return {
      paginator,
      request,
      get dryRun() {
        return describe();
      },
    };
  }

  /**
   * The one pull loop of the facade: the page loop of pagination/ with this client's transport, then
   * the incremental filter and the record steps on each page. Invalid records are collected on their
   * page (collect) or counted and warned about once at the end (skip). A consumer that stops early
   * aborts whatever was read ahead.
   */
  async *#run<T>(
    plan: { paginator: Paginator; request: PageRequest; pagination: LoopLimits },
    options: Pick<FetchOptions<T>, "headers" | "signal" | "timeout" | "concurrency"> & RecordOptions<T>,
    how: {
      extract?: (data: unknown) => unknown[];
      graphql?: boolean;
      resume?: ResumePoint | undefined;
      incremental?: IncrementalState | undefined;
    } = {},
  ): AsyncGenerator<ListingPage<T>> {
    const invalid = new InvalidRecords(options.onInvalid ?? "raise");
    const steps = compileRecordSteps(options as RecordOptions, invalid.add);
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const fetchPage = async (page: PageRequest): Promise<FetchedPage> => {
      const { headers, body } = this.#encode(options.headers, page.body);
      const response = await this.#send({
        method: page.method,
        url: page.url,
        headers,
        body,
        signal,
        timeoutMs: options.timeout,
      });
      const url = this.#redactor.redactUrl(page.url);
      if (how.graphql)
        assertNoGraphQLErrors(
          response.data,
          { method: page.method, url, status: response.status },
          this.#redactor.redactText,
        );
      return {
        status: response.status,
        headers: response.headers,
        data: response.data,
        url,
        bytes: response.bytes,
      };
    };
    const { pagination } = plan;
    let seen = 0;
    let total = 0;
    try {
      for await (const page of paginate({
        paginator: plan.paginator,
        request: plan.request,
        fetchPage,
        dataPath: pagination.dataPath,
        extract: how.extract,
        resume: how.resume,
        maxPages: pagination.maxPages,
        maxItems: pagination.maxItems,
        maxEmptyPages: pagination.maxEmptyPages,
        readAhead: pagination.readAhead,
        logger: this.logger,
        concurrency: () => Math.min(options.concurrency ?? this.config.concurrency, this.#limiter.limit),
      })) {
        let records = page.records;
        if (how.incremental) records = records.filter((r) => how.incremental!.keep(r));
        if (steps) {
          const kept: unknown[] = [];
          for (const record of records) {
            const out = steps(record, seen++);
            if (out !== undefined) kept.push(out);
          }
          records = kept;
        }
        total += records.length;
        const hook = this.#observer.call("onPage", {
          url: page.url,
          index: page.index,
          status: page.status,
          records: records.length,
          totalRecords: total,
          bytes: page.bytes,
        });
        if (hook) await hook;
        const out: ListingPage<T> = { ...page, records: records as T[] };
        if (invalid.mode === "collect") out.invalid = invalid.take();
        yield out;
      }
    } finally {
      stop.abort(new ApikitError("the consumer stopped reading the listing"));
      const skipped = invalid.summary();
      if (skipped) this.logger.warn(skipped);
    }
  }

  async #send(request: Parameters<typeof send>[2]) {
    try {
      const response = await this.#limiter.run(() => send(this.dispatcher, this.#redactor, request));
      // Headroom nearly spent (≤ 10 % left): fewer requests in flight until it recovers.
      const { limit, remaining } = this.dispatcher.rateLimitState.headroom;
      if (limit !== undefined && remaining !== undefined && remaining <= limit * 0.1)
        this.#limiter.throttle();
      else this.#limiter.healthy();
      return response;
    } catch (error) {
      if (error instanceof HttpError) {
        this.logger.debug(error.message);
        void this.#observer.call("onError", {
          method: request.method,
          url: this.#redactor.redactUrl(request.url),
          error,
          attempts: error.attempts ?? 1,
        });
      }
      throw error;
    }
  }

  async #data<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const result = await this.request<T>(method, path, options);
    return (result instanceof DryRunResult ? result : result.data) as T;
  }

  #url(path: string, params?: Params): URL {
    try {
      return buildUrl(this.config.baseUrl, path, params);
    } catch (error) {
      throw new ApikitError(`cannot build a URL from ${JSON.stringify(path)}: ${errorText(error)}`);
    }
  }

  #encode(
    extra: Record<string, string> | undefined,
    body: unknown,
  ): { headers: Record<string, string>; body: string | Uint8Array | null } {
    const headers = extra ? { ...this.#baseHeaders, ...lowerKeys(extra) } : { ...this.#baseHeaders };
    if (body === undefined || body === null) return { headers, body: null };
    if (typeof body === "string" || body instanceof Uint8Array) return { headers, body };
    headers["content-type"] ??= "application/json";
    return {
      headers,
      body: JSON.stringify(body, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
    };
  }

  #describe(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: unknown,
    paginate: boolean,
    pagination: Record<string, unknown>,
  ): DryRunResult {
    // Show the request as the auth interceptor would send it, with its secrets redacted.
    const authorized = { method, url: new URL(url), headers: { ...headers } };
    if (url.origin === new URL(this.config.baseUrl).origin) {
      // Strategies that fetch credentials (OAuth2) describe them instead: a dry run sends nothing.
      if (this.auth.describe) this.auth.describe(authorized);
      else {
        const pending = this.auth.authorize(authorized);
        if (pending) pending.catch(() => undefined);
      }
    }
    const params: Record<string, string | string[]> = {};
    for (const key of new Set(authorized.url.searchParams.keys())) {
      const values = new URL(this.#redactor.redactUrl(authorized.url)).searchParams.getAll(key);
      params[key] = values.length === 1 ? values[0]! : values;
    }
    const redactedBody =
      body === undefined || body === null
        ? undefined
        : JSON.parse(
            this.#redactor.redactText(
              JSON.stringify(body, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
            ),
          );
    return new DryRunResult({
      method,
      url: this.#redactor.redactUrl(authorized.url),
      params,
      headers: this.#redactor.redactHeaders(authorized.headers),
      ...(redactedBody !== undefined ? { body: redactedBody } : {}),
      authType: this.auth.type,
      paginate,
      pagination,
    });
  }

  #printDryRun(result: DryRunResult): DryRunResult {
    process.stderr.write(`${result.toString()}\n`);
    return result;
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
      baseUrl: redactBaseUrl(this.config.baseUrl, this.#redactor),
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

/** The limits of a pull the page loop enforces, from the merged pagination settings. */
type LoopLimits = Pick<
  PaginationConfig,
  "dataPath" | "maxPages" | "maxItems" | "maxEmptyPages" | "readAhead"
>;

/** Passes pages on, gathering the invalid records each one carries (`onInvalid: "collect"`). */
async function* gatherInvalid<T>(
  pages: AsyncIterable<ListingPage<T>>,
  into: InvalidRecord[],
): AsyncGenerator<ListingPage<T>> {
  for await (const page of pages) {
    if (page.invalid) into.push(...page.invalid);
    yield page;
  }
}

/** The options with the incremental high-water mark added as its query parameter. */
function withSince<T>(options: FetchOptions<T>, incremental: IncrementalState | undefined): FetchOptions<T> {
  if (!incremental || incremental.since === undefined) return options;
  return {
    ...options,
    params: { ...(options.params ?? {}), [incremental.options.param]: String(incremental.since) },
  };
}

function graphqlBody(query: string, options: GraphQLOptions): Record<string, unknown> {
  return {
    query,
    ...(options.variables ? { variables: options.variables } : {}),
    ...(options.operationName ? { operationName: options.operationName } : {}),
  };
}

function explicitPageParam(url: URL, pagination: PaginationConfig): boolean {
  const names =
    pagination.strategy === "offset"
      ? [pagination.offsetParam]
      : pagination.strategy === "page"
        ? [pagination.pageParam]
        : pagination.strategy === "cursor"
          ? [pagination.cursorParam]
          : pagination.strategy === "link"
            ? []
            : [pagination.offsetParam, pagination.pageParam, pagination.cursorParam];
  return names.some((n) => url.searchParams.has(n));
}

/** The URL up to its last path segment (the base to configure), and that segment (the path to fetch). */
function splitBase(url: URL): { baseUrl: string; path: string } {
  const segments = url.pathname.split("/").filter((s) => s !== "");
  const last = segments.pop();
  return {
    baseUrl: `${url.origin}${segments.length > 0 ? `/${segments.join("/")}` : ""}`,
    path: last === undefined ? "/" : `/${last}`,
  };
}

/** api.github.com → github; localhost → localhost; 127.0.0.1 → api. */
function nameFromHost(host: string): string {
  if (/^[\d.:[\]]+$/.test(host)) return "api";
  const labels = host.split(".").filter((l) => !["api", "www", "rest"].includes(l));
  const name = (labels.length >= 2 ? labels[labels.length - 2] : labels[0]) ?? "api";
  return name.replace(/[^a-z0-9_-]/gi, "_").toLowerCase() || "api";
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export type { Dispatcher };
