// The client-wide budget of requests in flight, shared by parallel pages, read-ahead and fetchMany,
// so the API never sees more than `concurrency` requests of one client at once. Adaptive: a 429 or
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

  async acquire(): Promise<void> {
    if (this.#active < this.#limit) {
      this.#active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    this.#active -= 1;
    this.#drain();
  }

  /** Runs `work` inside one slot of the budget. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
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
