// The client-wide budget of requests in flight, held by the transport's concurrency interceptor, so
// the API never sees more than `concurrency` requests of one client at once, whoever sends them
// (parallel pages, read-ahead, fetchMany, fetch() with the client's dispatcher). Adaptive: a 429 or
// a low rate-limit headroom halves it (down to 1); healthy responses grow it back one step at a time
// (after 4 × limit of them in a row), never past the configured maximum.

export class AdaptiveLimiter {
  readonly max: number;
  #limit: number;
  #active = 0;
  #healthy = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(max: number) {
    this.max = Math.max(1, Math.floor(max));
    this.#limit = this.max;
  }

  /** Requests allowed in flight right now. */
  get limit(): number {
    return this.#limit;
  }

  get active(): number {
    return this.#active;
  }

  /** A slot at once if one is free (true), or nothing (false). */
  tryAcquire(): boolean {
    if (this.#active >= this.#limit) return false;
    this.#active += 1;
    return true;
  }

  /**
   * A slot when one frees up. `cancel()` gives up the wait, or the slot if it came meanwhile, so an
   * aborted request never keeps one.
   */
  wait(): { granted: Promise<void>; cancel(): void } {
    let granted = false;
    let cancelled = false;
    let grant!: () => void;
    const promise = new Promise<void>((resolve) => {
      grant = () => {
        granted = true;
        if (cancelled) this.release();
        else resolve();
      };
    });
    this.#waiting.push(grant);
    return {
      granted: promise,
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        const at = this.#waiting.indexOf(grant);
        if (at >= 0) this.#waiting.splice(at, 1);
        else if (granted) this.release();
      },
    };
  }

  release(): void {
    this.#active -= 1;
    this.#drain();
  }

  /** The server pushed back (a 429, or headroom nearly spent): halve the budget. */
  throttle(): void {
    this.#limit = Math.max(1, Math.floor(this.#limit / 2));
    this.#healthy = 0;
  }

  /** A healthy response: after enough of them in a row, allow one more request in flight. */
  healthy(): void {
    if (this.#limit >= this.max) return;
    this.#healthy += 1;
    if (this.#healthy >= this.#limit * 4) {
      this.#limit += 1;
      this.#healthy = 0;
      this.#drain();
    }
  }

  #drain(): void {
    while (this.#active < this.#limit && this.#waiting.length > 0) {
      this.#active += 1;
      this.#waiting.shift()!();
    }
  }
}
