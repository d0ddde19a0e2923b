// Progress on stderr: a live cli-progress line on a TTY (pages, records, records/s, bytes, retries,
// rate-limit waits), one summary line at the end otherwise. --quiet prints neither.
import { SingleBar } from "cli-progress";
import type { Hooks } from "../index.js";

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

  constructor(options: { quiet?: boolean | undefined; stream?: NodeJS.WriteStream } = {}) {
    const stream = options.stream ?? process.stderr;
    this.#quiet = options.quiet === true;
    if (!this.#quiet && stream.isTTY) {
      this.#bar = new SingleBar({
        stream,
        format:
          "{pages} pages | {records} records | {rate} rec/s | {mb} MB | {retries} retries | {waits} waits",
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
        this.#render();
      },
      onRateLimit: (event) => {
        this.counts.waits += 1;
        this.counts.waitedMs += event.waitMs;
        this.#render();
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
    if (this.#bar) {
      this.#bar.update(0, this.#payload());
      this.#bar.stop();
    }
    if (this.#quiet) return;
    const c = this.counts;
    const seconds = (performance.now() - this.#started) / 1000;
    const survived =
      c.retries + c.waits > 0
        ? `; survived ${c.retries} retries and ${c.waits} rate-limit waits (${(c.waitedMs / 1000).toFixed(1)} s)`
        : "";
    process.stderr.write(
      `apikit: ${c.records} records from ${c.pages} pages${where} in ${seconds.toFixed(1)} s${survived}${note}\n`,
    );
  }

  /** Stops the live line without a summary (on failure, before the error line). */
  abort(): void {
    this.#bar?.stop();
  }

  #render(): void {
    this.#bar?.update(0, this.#payload());
  }

  #payload() {
    const seconds = Math.max(0.001, (performance.now() - this.#started) / 1000);
    return {
      pages: this.counts.pages,
      records: this.counts.records,
      rate: Math.round(this.counts.records / seconds),
      mb: (this.counts.bytes / 1e6).toFixed(1),
      retries: this.counts.retries,
      waits: this.counts.waits,
    };
  }
}
