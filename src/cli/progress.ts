// Progress on stderr: a live cli-progress line on a TTY (pages, records, records/s, bytes, retries,
// rate-limit waits, and why it is waiting right now), one summary line at the end otherwise.
// --quiet prints neither.
import { SingleBar } from "cli-progress";
import { formatWait } from "../http/index.js";
import type { Hooks } from "../index.js";
import { plural } from "../util/plural.js";

export interface ProgressCounts {
  pages: number;
  records: number;
  bytes: number;
  retries: number;
  waits: number;
  waitedMs: number;
}

export class Progress {
  readonly counts: ProgressCounts = { pages: 0, records: 0, bytes: 0, retries: 0, waits: 0, waitedMs: 0 };
  readonly #bar: SingleBar | undefined;
  readonly #started = performance.now();
  readonly #quiet: boolean;
  readonly #stream: NodeJS.WritableStream;
  /** What the pull is waiting for now (a retry's backoff, a rate limit), shown until it is over. */
  #waiting: { verb: string; untilMs: number; reason: string } | undefined;
  /** Redraws the countdown while something waits and no page arrives. */
  #ticker: NodeJS.Timeout | undefined;

  constructor(
    options: { quiet?: boolean | undefined; stream?: NodeJS.WritableStream & { isTTY?: boolean } } = {},
  ) {
    const stream = options.stream ?? process.stderr;
    this.#stream = stream;
    this.#quiet = options.quiet === true;
    if (!this.#quiet && stream.isTTY) {
      this.#bar = new SingleBar({
        stream,
        format: "{pages} | {records} | {rate} rec/s | {mb} MB | {retries} | {waits}{waiting}",
        hideCursor: true,
        clearOnComplete: false,
        noTTYOutput: false,
        fps: 10,
      });
      this.#bar.start(1, 0, this.#payload());
    }
  }

  /** Hooks that count pages, records, bytes, retries and rate-limit waits as they happen. */
  get hooks(): Hooks {
    return {
      onPage: (event) => this.page(event.records, event.bytes),
      onRetry: (event) => {
        this.counts.retries += 1;
        this.counts.waitedMs += event.waitMs;
        this.#wait("retrying in", event.waitMs, event.reason);
      },
      onRateLimit: (event) => {
        this.counts.waits += 1;
        this.counts.waitedMs += event.waitMs;
        this.#wait("rate limit, waiting", event.waitMs, event.reason);
      },
    };
  }

  page(records: number, bytes: number): void {
    this.counts.pages += 1;
    this.counts.records += records;
    this.counts.bytes += bytes;
    this.#render();
  }

  /** Ends the live line; on a non-TTY writes the one summary line. */
  finish(where = "", note = ""): void {
    this.#stopWaiting();
    if (this.#bar) {
      this.#bar.update(0, this.#payload());
      this.#bar.stop();
    }
    if (this.#quiet) return;
    const c = this.counts;
    const seconds = (performance.now() - this.#started) / 1000;
    const survived =
      c.retries + c.waits > 0
        ? `; survived ${plural(c.retries, "retry", "retries")} and ${plural(c.waits, "rate-limit wait")} (${(c.waitedMs / 1000).toFixed(1)} s)`
        : "";
    this.#stream.write(
      `apikit: ${plural(c.records, "record")} from ${plural(c.pages, "page")}${where} in ${seconds.toFixed(1)} s${survived}${note}\n`,
    );
  }

  /** Stops the live line without a summary (on failure, before the error line). */
  abort(): void {
    this.#stopWaiting();
    this.#bar?.stop();
  }

  #render(): void {
    this.#bar?.update(0, this.#payload());
  }

  #wait(verb: string, waitMs: number, reason: string): void {
    this.#waiting = { verb, untilMs: performance.now() + waitMs, reason };
    if (this.#bar && !this.#ticker) {
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
    const seconds = Math.max(0.001, (performance.now() - this.#started) / 1000);
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
