// The server's rate-limit headroom, learned from response headers of every dialect in use (IETF
// RateLimit/RateLimit-Policy, X-RateLimit-*, HubSpot, Shopify, Retry-After) and used to hold requests
// until the reset when it is spent.
import { type HeaderInput, headerValue } from "./headers.js";

export interface Headroom {
  limit?: number;
  remaining?: number;
  /** Epoch ms when the window resets. */
  resetAtMs?: number;
}

export interface RateLimitStateOptions {
  /** Throttle when remaining is at or under this. Default 0. */
  threshold?: number;
  now?: () => number;
  /** Cap on one throttle wait, in ms. Default 15 minutes. */
  maxWaitMs?: number;
}

function num(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "" || !/^-?\d+(\.\d+)?$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}

/** A reset value by magnitude: epoch ms, epoch seconds, or delta seconds. */
export function resetToEpochMs(value: number, nowMs: number): number {
  if (value > 1e12) return value;
  if (value > 1e9) return value * 1000;
  // A negative delta says the window has already reset (and a huge one would overflow to -Infinity).
  return nowMs + Math.max(0, value) * 1000;
}

/** `"default";r=50;t=30` or `limit=100, remaining=50, reset=30` → key/value pairs. */
function structuredParams(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(/[;,]/)) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const v = part
      .slice(eq + 1)
      .trim()
      .replace(/^"|"$/g, "");
    if (key && !(key in out)) out[key] = v;
  }
  return out;
}

export class RateLimitState {
  #headroom: Headroom = {};
  readonly #threshold: number;
  readonly #now: () => number;
  readonly #maxWaitMs: number;

  constructor(options: RateLimitStateOptions = {}) {
    this.#threshold = options.threshold ?? 0;
    this.#now = options.now ?? Date.now;
    this.#maxWaitMs = options.maxWaitMs ?? 15 * 60_000;
  }

  /** Reads whatever rate-limit headers a response carries; one without any leaves the state as is. */
  static parse(headers: HeaderInput, nowMs: number = Date.now()): Headroom | undefined {
    const h = (name: string) => headerValue(headers, name);
    let limit: number | undefined;
    let remaining: number | undefined;
    let reset: number | undefined;

    const ietf = h("ratelimit");
    if (ietf) {
      const p = structuredParams(ietf);
      remaining = num(p.r ?? p.remaining);
      reset = num(p.t ?? p.reset);
      limit = num(p.limit);
      const policy = h("ratelimit-policy");
      if (policy && limit === undefined)
        limit = num(structuredParams(policy).q) ?? num(policy.split(/[;,]/)[0]);
    }
    limit ??= num(h("ratelimit-limit")) ?? num(h("x-ratelimit-limit"));
    remaining ??= num(h("ratelimit-remaining")) ?? num(h("x-ratelimit-remaining"));
    reset ??= num(h("ratelimit-reset")) ?? num(h("x-ratelimit-reset"));
    let resetAtMs = reset === undefined ? undefined : resetToEpochMs(reset, nowMs);

    // HubSpot: a per-interval window (and a per-second one).
    const hubRemaining = num(h("x-hubspot-ratelimit-remaining"));
    if (hubRemaining !== undefined && remaining === undefined) {
      remaining = hubRemaining;
      limit = num(h("x-hubspot-ratelimit-max"));
      const interval = num(h("x-hubspot-ratelimit-interval-milliseconds"));
      if (interval !== undefined) resetAtMs = nowMs + interval;
    }
    const hubSecondly = num(h("x-hubspot-ratelimit-secondly-remaining"));
    if (hubSecondly !== undefined && (remaining === undefined || hubSecondly < remaining)) {
      remaining = hubSecondly;
      limit = num(h("x-hubspot-ratelimit-secondly"));
      resetAtMs = nowMs + 1000;
    }

    // Shopify's leaky bucket: "used/limit", leaking 2 requests a second (the REST Admin API's rate).
    const shopify = h("x-shopify-shop-api-call-limit");
    if (shopify && remaining === undefined) {
      const [used, max] = shopify.split("/").map((s) => num(s));
      if (used !== undefined && max !== undefined) {
        limit = max;
        remaining = max - used;
        resetAtMs = nowMs + (used / 2) * 1000;
      }
    }

    // Stripe and others say nothing ahead but send Retry-After with a 429.
    if (resetAtMs === undefined) {
      const retryAfter = num(h("retry-after"));
      if (retryAfter !== undefined) {
        resetAtMs = nowMs + retryAfter * 1000;
        remaining ??= 0;
      }
    }
    if (limit === undefined && remaining === undefined && resetAtMs === undefined) return undefined;
    const out: Headroom = {};
    // Each header number is finite, but arithmetic on huge ones ("1e308/1", 1e306 s) is not: drop those.
    if (limit !== undefined && Number.isFinite(limit)) out.limit = limit;
    if (remaining !== undefined && Number.isFinite(remaining)) out.remaining = remaining;
    // A reset already in the past says nothing about the future.
    if (resetAtMs !== undefined && Number.isFinite(resetAtMs) && resetAtMs > nowMs) out.resetAtMs = resetAtMs;
    return out;
  }

  ingest(headers: HeaderInput): void {
    const parsed = RateLimitState.parse(headers, this.#now());
    if (parsed) this.#headroom = parsed;
  }

  get headroom(): Headroom {
    return { ...this.#headroom };
  }

  shouldThrottle(): boolean {
    const { remaining, resetAtMs } = this.#headroom;
    return (
      remaining !== undefined &&
      remaining <= this.#threshold &&
      resetAtMs !== undefined &&
      resetAtMs > this.#now()
    );
  }

  sleepDuration(): number {
    if (!this.shouldThrottle()) return 0;
    return Math.min(this.#maxWaitMs, (this.#headroom.resetAtMs ?? 0) - this.#now());
  }
}
