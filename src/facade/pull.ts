// One pull: made once per call from (path, options), it holds the plan, runs the page loop of
// pagination/ over the client's transport, filters and shapes each page's records, and commits what
// must wait for a complete output (the incremental high-water mark). Every entry point (records,
// stream, file, DataFrame, Arrow, GraphQL, fetchMany, and through them the CLI, dbt and the demo) is
// a sink over it, so an option, hook or resume added here reaches all of them.
import { ApikitError } from "../errors.js";
import { assertNoGraphQLErrors } from "../graphql/index.js";
import {
  type FetchedPage,
  type LoopPage,
  type Page,
  type PageRequest,
  paginate,
  type ResumePoint,
} from "../pagination/index.js";
import type { FetchOptions, GraphQLOptions } from "./call-options.js";
import type { ClientCore } from "./core.js";
import type { DryRunOutput, DryRunResult } from "./dry-run.js";
import { IncrementalState } from "./incremental.js";
import { type PullPlan, relayPlan, restPlan, type SettledStrategy } from "./plan.js";
import { pullProgress } from "./progress.js";
import { pathOf } from "./progress-lines.js";
import { compileRecordSteps, type InvalidRecord, InvalidRecords, type RecordOptions } from "./record-ops.js";

/** A page of a listing as the fetch methods see it: its records after the record steps. */
export interface ListingPage<T> extends Page<T> {
  /** With `onInvalid: "collect"`: this page's records that failed the schema. */
  invalid?: InvalidRecord[];
}

/** A page with what a checkpoint records (the next request, with its secrets): for sinks, never users. */
export type PulledPage<T> = ListingPage<T> & Pick<LoopPage, "next" | "recordsPath">;

/** What a pull reads: a REST listing, or (with `query`) a GraphQL Relay connection. */
export type PullSource =
  | { path: string; query?: undefined; options: FetchOptions<unknown> }
  | { path: string; query: string; options: GraphQLOptions };

type PullOptions = Pick<
  FetchOptions<unknown>,
  "headers" | "signal" | "timeoutMs" | "timeout" | "concurrency" | "dryRun" | "progress"
> &
  RecordOptions;

export class Pull<T> {
  readonly #core: ClientCore;
  readonly #options: PullOptions;
  readonly #incremental: IncrementalState | undefined;
  #plan: PullPlan;
  /** With `onInvalid: "collect"`: every record of the pull that failed the schema, as the pages came. */
  readonly invalid: InvalidRecord[] = [];
  /** maxPages or maxItems stopped the pull while the API had more (set when its last page arrives). */
  truncated = false;

  private constructor(
    core: ClientCore,
    plan: PullPlan,
    options: PullOptions,
    incremental?: IncrementalState,
  ) {
    this.#core = core;
    this.#plan = plan;
    this.#options = options;
    this.#incremental = incremental;
  }

  /** Plans the pull; an incremental one reads its state file first (not for a dry run, which reads nothing). */
  static async open<T>(core: ClientCore, source: PullSource): Promise<Pull<T>> {
    if (source.query !== undefined) {
      const plan = relayPlan(core, source.path, source.query, source.options);
      return new Pull<T>(core, plan, source.options);
    }
    const { options } = source;
    const incremental =
      options.incremental && !options.dryRun ? await IncrementalState.load(options.incremental) : undefined;
    const since = incremental?.since;
    const effective =
      incremental && since !== undefined
        ? { ...options, params: { ...options.params, [incremental.options.param]: String(since) } }
        : options;
    return new Pull<T>(core, restPlan(core, source.path, effective), options as PullOptions, incremental);
  }

  get dryRun(): boolean {
    return this.#options.dryRun === true;
  }

  get incremental(): boolean {
    return this.#incremental !== undefined;
  }

  /** Prints and returns what the pull would send first (and, for a file output, where it would write). */
  describe(output?: DryRunOutput): DryRunResult {
    return this.#plan.describe(output);
  }

  /** The first request as the call asked for it. */
  get request(): PageRequest {
    return this.#plan.request;
  }

  get identity(): Record<string, unknown> {
    return this.#plan.identity;
  }

  readonly redactUrl = (url: URL | string): string => this.#core.redactor.redactUrl(url);
  readonly redactText = (text: string): string => this.#core.redactor.redactText(text);

  /** The strategy an auto-detecting paginator settled on, once it has seen the first page. */
  detected(): SettledStrategy | undefined {
    const found = this.#plan.paginator.detected;
    return found ? { name: found.strategy, settings: { ...found.settings } } : undefined;
  }

  /**
   * The pages, from the start or from a checkpoint's resume point (going on with the strategy it had
   * settled on). Invalid records are collected on their page (collect) or counted and warned about
   * once at the end (skip). A consumer that stops early aborts whatever was read ahead.
   */
  async *pages(resume?: ResumePoint, strategy?: SettledStrategy): AsyncGenerator<PulledPage<T>> {
    if (strategy) this.#plan = this.#plan.settle(strategy);
    const core = this.#core;
    const plan = this.#plan;
    const options = this.#options;
    const incremental = this.#incremental;
    const invalid = new InvalidRecords(options.onInvalid ?? "raise");
    const steps = compileRecordSteps(options, invalid.add);
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    // `progress: true`, or any pull in a notebook: from the first request to the end, however it ends.
    // It hears every retry and wait of the client (a concurrent pull's too: the transport cannot tell
    // them apart).
    const progress = pullProgress(
      options.progress,
      progressLabel(plan.request.method, core.redactor.redactUrl(plan.request.url)),
    );
    const timeoutMs = core.callTimeout(options);
    const fetchPage = async (page: PageRequest): Promise<FetchedPage> => {
      progress?.start(core.observer);
      const { headers, body } = core.encode(options.headers, page.body);
      const response = await core.send({
        method: page.method,
        url: page.url,
        headers,
        body,
        signal,
        timeoutMs,
      });
      const url = core.redactor.redactUrl(page.url);
      if (plan.graphql) {
        const where = { method: page.method, url, status: response.status };
        assertNoGraphQLErrors(response.data, where, core.redactor.redactText);
      }
      return {
        status: response.status,
        headers: response.headers,
        data: response.data,
        url,
        bytes: response.bytes,
      };
    };
    const { limits } = plan;
    core.logger.info(describePaging(plan, core.redactor.redactUrl(plan.request.url), resume));
    let seen = 0;
    let total = 0;
    let outcome: "done" | "failed" | "stopped" = "stopped";
    try {
      for await (const page of paginate({
        paginator: plan.paginator,
        request: plan.request,
        fetchPage,
        dataPath: limits.dataPath,
        extract: plan.extract,
        resume,
        maxPages: limits.maxPages,
        maxItems: limits.maxItems,
        maxEmptyPages: limits.maxEmptyPages,
        onLimit: limits.onLimit,
        readAhead: limits.readAhead,
        logger: core.logger,
        concurrency: () => core.concurrency(options.concurrency),
      })) {
        let records = page.records;
        if (incremental) records = records.filter((r) => incremental.keep(r));
        if (steps) {
          const kept: unknown[] = [];
          for (const record of records) {
            const out = steps(record, seen++);
            if (out !== undefined) kept.push(out);
          }
          records = kept;
        }
        total += records.length;
        progress?.page(records.length, page.bytes);
        const hook = core.observer.call("onPage", {
          url: page.url,
          index: page.index,
          status: page.status,
          records: records.length,
          totalRecords: total,
          bytes: page.bytes,
        });
        if (hook) await hook;
        if (page.truncated) this.truncated = true;
        const out: PulledPage<T> = { ...page, records: records as T[] };
        if (invalid.mode === "collect") {
          out.invalid = invalid.take();
          for (const record of out.invalid) this.invalid.push(record);
        }
        yield out;
      }
      outcome = "done";
    } catch (error) {
      outcome = "failed";
      throw error;
    } finally {
      progress?.stop(outcome);
      stop.abort(new ApikitError("the consumer stopped reading the listing"));
      const skipped = invalid.summary();
      if (skipped) core.logger.warn(skipped);
    }
  }

  /** Stores what only a complete output may store: the new incremental high-water mark. */
  async commit(): Promise<void> {
    await this.#incremental?.commit();
  }

  /** Every page as users see it (nothing a checkpoint keeps), then the commit once the consumer has read to the end. */
  async *all(): AsyncGenerator<ListingPage<T>> {
    for await (const { next: _next, recordsPath: _path, ...page } of this.pages()) yield page;
    await this.commit();
  }

  /** Hands the pages to `sink` and commits once its output is complete. */
  async into<R>(sink: (pages: AsyncIterable<ListingPage<T>>) => Promise<R>): Promise<R> {
    const result = await sink(this.pages());
    await this.commit();
    return result;
  }
}

/** The info line that says how a pull pages: "GET <url>: cursor pagination, maxPages 3". */
function describePaging(plan: PullPlan, url: string, resume: ResumePoint | undefined): string {
  const { strategy } = plan.paginator;
  const how = strategy === "none" ? "one request, no pagination" : `${strategy} pagination`;
  const { maxPages, maxItems, onLimit } = plan.limits;
  const limits = [
    maxPages !== undefined ? `maxPages ${maxPages}` : "",
    maxItems !== undefined ? `maxItems ${maxItems}` : "",
    onLimit === "raise" ? 'onLimit "raise"' : "",
    resume ? `resumed at page ${resume.pages + 1}` : "",
  ].filter(Boolean);
  return `${plan.request.method} ${url}: ${how}${limits.length > 0 ? `, ${limits.join(", ")}` : ""}`;
}

/** "GET /orders": what progress lines call the pull (the URL redacted, its host and query left out). */
function progressLabel(method: string, url: string): string {
  return `${method} ${pathOf(url).split("?")[0]}`;
}
