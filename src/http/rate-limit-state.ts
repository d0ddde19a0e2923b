// The server's rate-limit headroom, learned from response headers of every dialect in use (IETF
// RateLimit/RateLimit-Policy, X-RateLimit-*, Jira's beta quota, HubSpot, Shopify, Salesforce,
// Retry-After): requests are held until the reset of a spent window, and a spent day's budget fails
// them at once instead of holding them until the next day.
import type { InspectOptions } from "node:util";
import { z } from "zod";
import { forEachHeader, type HeaderInput } from "../base/index.js";
import { parseOptions } from "../config/index.js";
import { INSPECT, type NestedInspect } from "../util/printable.js";
import { parseRetryAfter } from "./retry-after.js";

export interface DailyHeadroom {
  limit?: number;
  /** May be negative: Salesforce lets an org go over its daily limit for a while. */
  remaining?: number;
  /** The header the numbers came from, e.g. "X-HubSpot-RateLimit-Daily-Remaining". */
  source: string;
}

export interface Headroom {
  /** The tightest short window the server reported (the fewest requests left). */
  limit?: number;
  remaining?: number;
  /** Epoch ms when that window resets. */
  resetAtMs?: number;
  /** The day's budget, when the server reports one beside its short window (HubSpot, Salesforce). */
  daily?: DailyHeadroom;
}

const RateLimitStateConfig = z.strictObject({
  /** Throttle when remaining is at or under this, in a short window or the day's budget. Default 0. */
  threshold: z.number().optional(),
  now: z.custom<() => number>((v) => typeof v === "function", { error: "must be a function" }).optional(),
  /** Cap on one throttle wait, in ms. Default 15 minutes. */
  maxWaitMs: z.number().min(0).optional(),
  /** How long after the last answer a spent day's budget lets one request through to look again. Default 60 s. */
  recheckAfterMs: z.number().min(0).optional(),
});

export type RateLimitStateOptions = z.input<typeof RateLimitStateConfig> & {
  /** iki-apikit's name for `threshold` (the same number; give one of the two). */
  minRemaining?: number | undefined;
};

/** Why requests fail at once: the day's budget is spent (and no server says when it comes back). */
export interface Exhausted {
  reason: string;
}

interface Window {
  limit?: number | undefined;
  remaining?: number | undefined;
  resetAtMs?: number | undefined;
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

// Jira sends X-RateLimit-Reset as an ISO 8601 timestamp ("2026-03-26T16:00Z").
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** A reset header: a number read by magnitude, or an ISO 8601 timestamp. */
function resetValue(value: string | undefined, nowMs: number): number | undefined {
  const n = num(value);
  if (n !== undefined) return resetToEpochMs(n, nowMs);
  const text = value?.trim();
  if (!text || !ISO_TIME.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
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

/** The IETF structured fields (`RateLimit` + `RateLimit-Policy`), under a prefix ("beta-" for Jira's quota). */
function ietfWindow(h: (name: string) => string | undefined, prefix: string, nowMs: number): Window {
  const field = h(`${prefix}ratelimit`);
  if (!field) return {};
  const p = structuredParams(field);
  const reset = num(p.t ?? p.reset);
  let limit = num(p.limit);
  const policy = h(`${prefix}ratelimit-policy`);
  if (policy && limit === undefined) limit = num(structuredParams(policy).q) ?? num(policy.split(/[;,]/)[0]);
  return {
    limit,
    remaining: num(p.r ?? p.remaining),
    resetAtMs: reset === undefined ? undefined : resetToEpochMs(reset, nowMs),
  };
}

/** Every short window the headers describe, in whichever dialects they use. */
function windows(h: (name: string) => string | undefined, nowMs: number): Window[] {
  const ietf = ietfWindow(h, "", nowMs);
  // The IETF field, then the older RateLimit-* and X-RateLimit-* trios, fill one window together.
  const trio: Window = {
    limit: ietf.limit ?? num(h("ratelimit-limit")) ?? num(h("x-ratelimit-limit")),
    remaining: ietf.remaining ?? num(h("ratelimit-remaining")) ?? num(h("x-ratelimit-remaining")),
    resetAtMs: ietf.resetAtMs ?? resetValue(h("ratelimit-reset") ?? h("x-ratelimit-reset"), nowMs),
  };
  const found = [trio, ietfWindow(h, "beta-", nowMs)];
  // Jira's points quota resets at X-Beta-RateLimit-Reset when its t is missing.
  found[1]!.resetAtMs ??= resetValue(h("x-beta-ratelimit-reset"), nowMs);

  // HubSpot: a per-interval window (10 s) and a per-second one.
  const interval = num(h("x-hubspot-ratelimit-interval-milliseconds"));
  found.push({
    limit: num(h("x-hubspot-ratelimit-max")),
    remaining: num(h("x-hubspot-ratelimit-remaining")),
    resetAtMs: interval === undefined ? undefined : nowMs + interval,
  });
  const secondly = num(h("x-hubspot-ratelimit-secondly-remaining"));
  found.push({
    limit: num(h("x-hubspot-ratelimit-secondly")),
    remaining: secondly,
    resetAtMs: secondly === undefined ? undefined : nowMs + 1000,
  });

  // Shopify's leaky bucket: "used/limit", leaking 2 requests a second (the REST Admin API's rate).
  const [used, max] = (h("x-shopify-shop-api-call-limit") ?? "").split("/").map((s) => num(s));
  if (used !== undefined && max !== undefined)
    found.push({ limit: max, remaining: max - used, resetAtMs: nowMs + (used / 2) * 1000 });
  return found.filter((w) => w.limit !== undefined || w.remaining !== undefined || w.resetAtMs !== undefined);
}

/** The window with the fewest requests left (the later reset on a tie); the first one if none says. */
function tightest(found: Window[]): Window {
  let best: Window | undefined;
  for (const w of found) {
    if (w.remaining === undefined) continue;
    if (
      best?.remaining === undefined ||
      w.remaining < best.remaining ||
      (w.remaining === best.remaining && (w.resetAtMs ?? 0) > (best.resetAtMs ?? 0))
    )
      best = w;
  }
  return best ?? found[0] ?? {};
}

/** The day's budget: HubSpot's daily headers, or Salesforce's Sforce-Limit-Info (the tighter quota). */
function daily(h: (name: string) => string | undefined): DailyHeadroom | undefined {
  const remaining = num(h("x-hubspot-ratelimit-daily-remaining"));
  const limit = num(h("x-hubspot-ratelimit-daily"));
  if (remaining !== undefined || limit !== undefined) {
    const source =
      remaining === undefined ? "X-HubSpot-RateLimit-Daily" : "X-HubSpot-RateLimit-Daily-Remaining";
    return {
      ...(limit === undefined ? {} : { limit }),
      ...(remaining === undefined ? {} : { remaining }),
      source,
    };
  }
  // "api-usage=25/15000; per-app-api-usage=17/250(appName=x)": calls used / allowed in 24 hours.
  const info = h("sforce-limit-info");
  if (!info) return undefined;
  let best: DailyHeadroom | undefined;
  for (const [, name, usedText, maxText] of info.matchAll(
    /(per-app-api-usage|api-usage)\s*=\s*(\d+)\s*\/\s*(\d+)/gi,
  )) {
    const used = num(usedText);
    const max = num(maxText);
    if (used === undefined || max === undefined) continue;
    if (best?.remaining === undefined || max - used < best.remaining)
      best = { limit: max, remaining: max - used, source: `Sforce-Limit-Info ${name!.toLowerCase()}` };
  }
  return best;
}

/** Whether a (lower-cased) header name is one the dialects above read. */
function isRateLimitHeader(name: string): boolean {
  return (
    name.includes("ratelimit") ||
    name === "retry-after" ||
    name === "x-shopify-shop-api-call-limit" ||
    name === "sforce-limit-info"
  );
}

/**
 * The rate-limit headers of a response by lower-cased name (repeated values joined), or undefined
 * when it has none. One pass over the names: looking each dialect's ~20 names up on their own, case
 * -insensitively, cost every request about 6 % of the transport's time.
 */
function rateLimitHeaders(headers: HeaderInput): Map<string, string> | undefined {
  let found: Map<string, string> | undefined;
  forEachHeader(headers, (name, value) => {
    if (!isRateLimitHeader(name)) return;
    found ??= new Map();
    const before = found.get(name);
    found.set(name, before === undefined ? value : `${before}, ${value}`);
  });
  return found;
}

/** Only finite numbers, a reset only in the future: arithmetic on huge header numbers is not finite. */
function clean<T extends Window>(w: T, nowMs: number): T {
  const out = { ...w };
  for (const key of ["limit", "remaining", "resetAtMs"] as const) {
    const value = out[key];
    if (value === undefined || !Number.isFinite(value) || (key === "resetAtMs" && value <= nowMs))
      delete out[key];
  }
  return out;
}

export class RateLimitState {
  #headroom: Headroom = {};
  /** When the headroom was last learned, for the recheck of a spent day's budget. */
  #learnedAtMs = 0;
  readonly #threshold: number;
  readonly #now: () => number;
  readonly #maxWaitMs: number;
  readonly #recheckAfterMs: number;

  /** Unknown options are a ConfigError; iki-apikit's `minRemaining` is read as `threshold`. */
  constructor(options: RateLimitStateOptions = {}) {
    const config = parseOptions(RateLimitStateConfig, options, "RateLimitState", {
      minRemaining: "threshold",
    });
    this.#threshold = config.threshold ?? 0;
    this.#now = config.now ?? Date.now;
    this.#maxWaitMs = config.maxWaitMs ?? 15 * 60_000;
    this.#recheckAfterMs = config.recheckAfterMs ?? 60_000;
  }

  /** Reads whatever rate-limit headers a response carries; one without any leaves the state as is. */
  static parse(headers: HeaderInput, nowMs: number = Date.now()): Headroom | undefined {
    const found = rateLimitHeaders(headers);
    // Most responses carry none: one pass over their header names, and done.
    if (found === undefined) return undefined;
    const h = (name: string) => found.get(name);
    const { limit, remaining, resetAtMs } = tightest(windows(h, nowMs));
    const window: Window = { limit, remaining, resetAtMs };
    // Stripe, Notion and Airtable say nothing ahead but send Retry-After with a 429.
    if (window.resetAtMs === undefined) {
      const afterMs = parseRetryAfter(h("retry-after"), nowMs);
      if (afterMs !== undefined) {
        window.resetAtMs = nowMs + afterMs;
        window.remaining ??= 0;
      }
    }
    const day = daily(h);
    const out: Headroom = clean(window, nowMs);
    if (day) out.daily = clean(day, nowMs);
    return Object.keys(out).length === 0 ? undefined : out;
  }

  ingest(headers: HeaderInput): void {
    const now = this.#now();
    const parsed = RateLimitState.parse(headers, now);
    if (!parsed) return;
    this.#headroom = parsed;
    this.#learnedAtMs = now;
  }

  get headroom(): Headroom {
    const { daily: day, ...window } = this.#headroom;
    return day ? { ...window, daily: { ...day } } : window;
  }

  /** The window's remaining requests are at or below `share` of its limit (false while the server has not said). */
  lowOn(share: number): boolean {
    const { limit, remaining } = this.#headroom;
    return limit !== undefined && remaining !== undefined && remaining <= limit * share;
  }

  /** Whether the next request must wait for the short window's reset. */
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

  /**
   * Set while the day's budget is at or under the threshold. Neither HubSpot nor Salesforce says when
   * it comes back (midnight in the account's time zone; a rolling 24 hours), and holding requests for
   * hours would look like a hang, so a request then fails at once with the reason. The day is the
   * tighter limit: this holds even when the short window would only ask for a short wait. A request is
   * let through again recheckAfterMs after the last answer, to see whether the budget is back.
   */
  exhausted(): Exhausted | undefined {
    const day = this.#headroom.daily;
    if (day?.remaining === undefined || day.remaining > this.#threshold) return undefined;
    if (this.#now() - this.#learnedAtMs >= this.#recheckAfterMs) return undefined;
    const recheck = Math.round(this.#recheckAfterMs / 1000);
    return {
      reason:
        `the server's daily request budget is spent (${day.remaining} of ${day.limit ?? "?"} left, ${day.source}), ` +
        `and it does not say when it comes back. Requests fail at once until then; one is let through ${recheck} s ` +
        "after the last answer to check",
    };
  }

  /** What it knows, for logs and printing: the threshold and the headroom (reset as ISO time). */
  toJSON(): { threshold: number; headroom: Record<string, unknown> } {
    const { resetAtMs, ...headroom } = this.headroom;
    return {
      threshold: this.#threshold,
      headroom:
        resetAtMs === undefined ? headroom : { ...headroom, resetAt: new Date(resetAtMs).toISOString() },
    };
  }

  /** `RateLimitState { threshold: 0, headroom: { limit: 60, remaining: 12, resetAt: '…' } }`. */
  [INSPECT](_depth: number, options: InspectOptions, nested: NestedInspect): string {
    return `RateLimitState ${nested(this.toJSON(), options)}`;
  }
}
