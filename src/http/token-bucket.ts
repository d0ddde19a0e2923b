// Client-side request rate limit (`rateLimit: { requestsPerSecond, burst }`): each call reserves the
// next free slot, so concurrent requests queue in order instead of all waking at once.

export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #burst: number;
  #tokens: number;
  #updatedAt: number;

  constructor(
    requestsPerSecond: number,
    burst = 1,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#ratePerMs = requestsPerSecond / 1000;
    this.#burst = Math.max(1, burst);
    this.#tokens = this.#burst;
    this.#updatedAt = now();
  }

  /** Reserves one request and returns how long (ms) it must wait before going out. */
  reserve(): number {
    const now = this.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#ratePerMs);
    this.#updatedAt = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : -this.#tokens / this.#ratePerMs;
  }
}
