// Progress on stderr: the library's live bar on a TTY (pages, records, records/s, bytes, retries,
// rate-limit waits, and why it is waiting right now), one summary line at the end otherwise.
// --quiet prints neither.
import { ProgressBar, type ProgressCounts, type ProgressStream } from "../facade/index.js";
import type { Hooks } from "../index.js";
import { plural } from "../util/plural.js";

export class Progress {
  readonly #bar: ProgressBar;
  readonly #quiet: boolean;
  readonly #stream: ProgressStream;

  constructor(options: { quiet?: boolean | undefined; stream?: ProgressStream } = {}) {
    this.#stream = options.stream ?? process.stderr;
    this.#quiet = options.quiet === true;
    this.#bar = new ProgressBar({ stream: this.#stream, quiet: this.#quiet, ownsTerminal: true });
    this.#bar.start();
  }

  get counts(): ProgressCounts {
    return this.#bar.counts;
  }

  /** Hooks that count pages, records, bytes, retries and rate-limit waits as they happen. */
  get hooks(): Hooks {
    return this.#bar.hooks;
  }

  page(records: number, bytes: number): void {
    this.#bar.page(records, bytes);
  }

  /** Ends the live line; on a non-TTY writes the one summary line. */
  finish(where = "", note = ""): void {
    this.#bar.stop();
    if (this.#quiet) return;
    const c = this.counts;
    const seconds = this.#bar.elapsedMs / 1000;
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
    this.#bar.stop();
  }
}
