// Progress for a reader who cannot be redrawn to: a notebook cell's output, a log file. Instead of a
// live bar, plain lines on stderr: each retry and each long rate-limit wait at once, with its reason
// (a cell that sits for a second on a 429 says why), a status line every few seconds while a pull is
// long, and a closing line when there was anything to say. A pull that is quick and clean writes
// nothing at all.
import { formatWait, type Observer, type RateLimitEvent, type RetryEvent } from "../http/index.js";
import { count } from "../util/display.js";
import { plural } from "../util/plural.js";
import { hearWaits, type ProgressCounts } from "./progress.js";

export interface ProgressLinesOptions {
  /** Where the lines go (only `write` is used). */
  stream: { write(text: string): unknown };
  /** What the pull fetches, e.g. "GET /orders" (redacted). */
  label: string;
  /** A status line this often while the pull runs. Default 5 s. */
  intervalMs?: number;
}

/** Rate-limit waits shorter than this are counted, not announced: pacing is not news. */
const ANNOUNCE_WAIT_MS = 1000;

export class ProgressLines {
  readonly counts: ProgressCounts = { pages: 0, records: 0, bytes: 0, retries: 0, waits: 0, waitedMs: 0 };
  readonly #stream: { write(text: string): unknown };
  readonly #label: string;
  readonly #intervalMs: number;
  #started = performance.now();
  #state: "ready" | "running" | "stopped" = "ready";
  #unlisten: (() => void) | undefined;
  #ticker: NodeJS.Timeout | undefined;
  /** Whether a line was written: then the pull's end is written too. */
  #spoke = false;

  constructor(options: ProgressLinesOptions) {
    this.#stream = options.stream;
    this.#label = options.label;
    this.#intervalMs = Math.max(1, options.intervalMs ?? 5000);
  }

  /** Starts the clock, the status lines and (with `observer`) hearing the client's retries and waits; once. */
  start(observer?: Observer): void {
    if (this.#state !== "ready") return;
    this.#state = "running";
    this.#started = performance.now();
    this.#unlisten = hearWaits(observer, this);
    this.#ticker = setInterval(() => this.#write(`${this.#status()} so far`), this.#intervalMs);
    // A status line is no reason to keep the process alive.
    this.#ticker.unref();
  }

  page(records: number, bytes: number): void {
    this.counts.pages += 1;
    this.counts.records += records;
    this.counts.bytes += bytes;
  }

  retry(event: RetryEvent): void {
    this.counts.retries += 1;
    this.counts.waitedMs += event.waitMs;
    this.#write(
      `retrying in ${formatWait(event.waitMs)} (attempt ${event.attempt + 1} of ${event.maxAttempts}): ${event.reason}`,
      `${event.method} ${pathOf(event.url)}`,
    );
  }

  rateLimit(event: RateLimitEvent): void {
    this.counts.waits += 1;
    this.counts.waitedMs += event.waitMs;
    if (event.waitMs >= ANNOUNCE_WAIT_MS)
      this.#write(
        `rate limit, waiting ${formatWait(event.waitMs)}: ${event.reason}`,
        `${event.method} ${pathOf(event.url)}`,
      );
  }

  /**
   * Ends it: no more events heard, no timer left; when anything was said, a last line with the totals
   * and how the pull ended ("done", "failed", "stopped by its reader"). Again does nothing.
   */
  stop(outcome: "done" | "failed" | "stopped" = "done"): void {
    this.#unlisten?.();
    this.#unlisten = undefined;
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    if (this.#state !== "running") return;
    if (this.#spoke) {
      const how = outcome === "done" ? "done" : outcome === "failed" ? "failed" : "stopped by its reader";
      this.#write(`${how}: ${this.#status()}`);
    }
    this.#state = "stopped";
  }

  /** "12 pages, 1 200 records in 6.1 s, 1 retry, 2 waits (3.0 s)". */
  #status(): string {
    const c = this.counts;
    const seconds = (performance.now() - this.#started) / 1000;
    const waited =
      c.retries + c.waits > 0
        ? `, ${plural(c.retries, "retry", "retries")}, ${plural(c.waits, "rate-limit wait")} (${formatWait(c.waitedMs)})`
        : "";
    return `${plural(c.pages, "page")}, ${count(c.records)} ${c.records === 1 ? "record" : "records"} in ${seconds.toFixed(1)} s${waited}`;
  }

  /** One line, about the pull or (a retry, a wait) about one request of it. */
  #write(text: string, subject: string = this.#label): void {
    if (this.#state !== "running") return;
    this.#spoke = true;
    this.#stream.write(`[apikit] ${subject}: ${text}\n`);
  }
}

/** The path and query of a (redacted) URL: the host is the client's, known to the reader. */
export function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}
