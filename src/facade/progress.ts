// The progress bar of a pull: one live cli-progress line on a terminal (pages, records, records/s,
// MB, retries, rate-limit waits, and why it is waiting right now). A listing called with
// `progress: true` draws it on stderr when stderr is a TTY, and writes plain lines otherwise
// (progress-lines.ts), as it does unasked in a notebook kernel; the CLI's display (cli/progress.ts)
// is this bar plus its summary line and --quiet.
import { SingleBar } from "cli-progress";
import {
  formatWait,
  type Hooks,
  type Observer,
  type RateLimitEvent,
  type RetryEvent,
} from "../http/index.js";
import { inNotebook, stderrForPeople } from "../util/notebook.js";
import { plural } from "../util/plural.js";
import { ProgressLines } from "./progress-lines.js";

/** Where a bar draws: only a stream that says it is a TTY gets one. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

export interface ProgressCounts {
  pages: number;
  records: number;
  bytes: number;
  retries: number;
  waits: number;
  waitedMs: number;
}

export interface ProgressBarOptions {
  /** Default process.stderr. */
  stream?: ProgressStream;
  /** Draw nothing, even on a terminal (the CLI's --quiet); the counts still count. */
  quiet?: boolean | undefined;
  /**
   * The CLI owns its terminal: it hides the cursor and line wrapping while the line is live. A library
   * call touches neither (a long line is cut at the terminal's width instead), so a script stopped
   * mid-pull leaves the terminal as it found it.
   */
  ownsTerminal?: boolean;
}

/** A SingleBar whose redraw timer never keeps the process alive (a stream left unfinished must not hang a script). */
class UnrefBar extends SingleBar {
  override render(): void {
    super.render();
    (this as unknown as { timer?: NodeJS.Timeout | null }).timer?.unref();
  }
}

export class ProgressBar {
  readonly counts: ProgressCounts = { pages: 0, records: 0, bytes: 0, retries: 0, waits: 0, waitedMs: 0 };
  readonly #bar: SingleBar | undefined;
  #started = performance.now();
  #state: "ready" | "running" | "stopped" = "ready";
  /** Stops hearing the client's retries and waits (start(observer)). */
  #unlisten: (() => void) | undefined;
  /** What the pull is waiting for now (a retry's backoff, a rate limit), shown until it is over. */
  #waiting: { verb: string; untilMs: number; reason: string } | undefined;
  /** Redraws the countdown while something waits and no page arrives. */
  #ticker: NodeJS.Timeout | undefined;

  constructor(options: ProgressBarOptions = {}) {
    const stream = options.stream ?? process.stderr;
    if (options.quiet === true || !stream.isTTY) return;
    const owns = options.ownsTerminal === true;
    this.#bar = new UnrefBar({
      stream,
      format: "{pages} | {records} | {rate} rec/s | {mb} MB | {retries} | {waits}{waiting}",
      hideCursor: owns,
      // true: cut at the terminal's width; false (cli-progress's default): turn wrapping off meanwhile.
      linewrap: !owns,
      clearOnComplete: false,
      noTTYOutput: false,
      fps: 10,
    });
  }

  /** Whether it draws: a TTY, and not quiet. */
  get live(): boolean {
    return this.#bar !== undefined;
  }

  /** Since start(), in ms. */
  get elapsedMs(): number {
    return performance.now() - this.#started;
  }

  /**
   * Starts the clock and the live line (once: later calls, and calls after stop(), do nothing; a
   * request read ahead after the end must not draw it again). With `observer`, the bar hears
   * its retries and rate-limit waits until stop(): every request of that client, not only this
   * pull's, so two pulls at once on one client each count the other's retries too.
   */
  start(observer?: Observer): void {
    if (this.#state !== "ready") return;
    this.#state = "running";
    this.#started = performance.now();
    this.#unlisten = hearWaits(observer, this);
    this.#bar?.start(1, 0, this.#payload());
  }

  /** Hooks that count pages, records, bytes, retries and rate-limit waits as they happen. */
  get hooks(): Hooks {
    return {
      onPage: (event) => this.page(event.records, event.bytes),
      onRetry: (event) => this.retry(event),
      onRateLimit: (event) => this.rateLimit(event),
    };
  }

  page(records: number, bytes: number): void {
    this.counts.pages += 1;
    this.counts.records += records;
    this.counts.bytes += bytes;
    this.#render();
  }

  retry(event: RetryEvent): void {
    this.counts.retries += 1;
    this.counts.waitedMs += event.waitMs;
    this.#wait("retrying in", event.waitMs, event.reason);
  }

  rateLimit(event: RateLimitEvent): void {
    this.counts.waits += 1;
    this.counts.waitedMs += event.waitMs;
    this.#wait("rate limit, waiting", event.waitMs, event.reason);
  }

  /**
   * Ends it: no more events heard, no timer left, and the live line drawn one last time (without a
   * wait's reason) and left on the terminal as the pull's final count. Again does nothing.
   */
  stop(): void {
    this.#unlisten?.();
    this.#unlisten = undefined;
    this.#stopWaiting();
    const running = this.#state === "running";
    this.#state = "stopped";
    if (!running) return;
    if (this.#bar) {
      this.#bar.update(0, this.#payload());
      this.#bar.stop();
    }
  }

  #render(): void {
    if (this.#state === "running") this.#bar?.update(0, this.#payload());
  }

  #wait(verb: string, waitMs: number, reason: string): void {
    this.#waiting = { verb, untilMs: performance.now() + waitMs, reason };
    if (this.#bar && this.#state === "running" && !this.#ticker) {
      this.#ticker = setInterval(() => this.#render(), 250);
      // A countdown is no reason to keep the process alive.
      this.#ticker.unref();
    }
    this.#render();
  }

  #stopWaiting(): void {
    this.#waiting = undefined;
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  /** " | retrying in 2.1 s: connection refused (ECONNREFUSED)" while a wait lasts, else "". */
  #waitingText(): string {
    const waiting = this.#waiting;
    if (!waiting) return "";
    const leftMs = waiting.untilMs - performance.now();
    if (leftMs <= 0) {
      this.#stopWaiting();
      return "";
    }
    return ` | ${waiting.verb} ${formatWait(leftMs)}: ${waiting.reason}`;
  }

  #payload() {
    const seconds = Math.max(0.001, this.elapsedMs / 1000);
    return {
      pages: plural(this.counts.pages, "page"),
      records: plural(this.counts.records, "record"),
      rate: Math.round(this.counts.records / seconds),
      mb: (this.counts.bytes / 1e6).toFixed(1),
      retries: plural(this.counts.retries, "retry", "retries"),
      waits: plural(this.counts.waits, "wait"),
      waiting: this.#waitingText(),
    };
  }
}

/** Has `to` hear the retries and rate-limit waits of the client `observer` belongs to; gives back how to stop. */
export function hearWaits(
  observer: Observer | undefined,
  to: { retry(event: RetryEvent): void; rateLimit(event: RateLimitEvent): void },
): (() => void) | undefined {
  return observer?.listen({
    onRetry: (event) => to.retry(event),
    onRateLimit: (event) => to.rateLimit(event),
  });
}

/** What a pull reports its progress to: the live bar on a terminal, or plain lines (a notebook, a log). */
export interface ProgressReporter {
  start(observer?: Observer): void;
  page(records: number, bytes: number): void;
  stop(outcome?: "done" | "failed" | "stopped"): void;
}

/** Test seam: where progress is written instead of process.stderr, and how often status lines come. */
let drawOn: ProgressStream | undefined;
let lineIntervalMs: number | undefined;

export function setProgressStream(
  stream: ProgressStream | undefined,
  options: { intervalMs?: number } = {},
): void {
  drawOn = stream;
  lineIntervalMs = options.intervalMs;
}

/**
 * What a listing reports its progress to. `progress: true`: the live bar when stderr is a terminal,
 * plain lines otherwise (a notebook cell, a log file). Not given: plain lines in a notebook kernel
 * (inNotebook()), where a cell that waits on a 429 should say why, and nothing elsewhere. `false`:
 * nothing. The pull starts it when its first request goes out and stops it when it ends, fails, or
 * its consumer stops reading.
 */
export function pullProgress(progress: boolean | undefined, label: string): ProgressReporter | undefined {
  if (progress === false) return undefined;
  const stream = drawOn ?? process.stderr;
  if (progress === true && stream.isTTY) return new ProgressBar({ stream });
  if (progress !== true && !inNotebook()) return undefined;
  return new ProgressLines({
    // Not process.stderr itself: Deno's kernel drops it and shows console.error (writeStderr).
    stream: drawOn ?? stderrForPeople,
    label,
    ...(lineIntervalMs === undefined ? {} : { intervalMs: lineIntervalMs }),
  });
}
