// Fuzzing the rate-limit header dialects and Retry-After: whatever the headers say, the numbers that
// come out are finite (or absent), waits are bounded, and nothing throws or hangs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RateLimitState, resetToEpochMs } from "../../src/http/rate-limit-state.js";
import { parseRetryAfter } from "../../src/http/retry-after.js";
import { garbage, longRun, mutated, numberText, RUNS, settle, TEST_TIMEOUT_MS } from "./support.js";

const NAMES = [
  "ratelimit",
  "ratelimit-policy",
  "ratelimit-limit",
  "ratelimit-remaining",
  "ratelimit-reset",
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
  "x-hubspot-ratelimit-remaining",
  "x-hubspot-ratelimit-max",
  "x-hubspot-ratelimit-interval-milliseconds",
  "x-hubspot-ratelimit-secondly-remaining",
  "x-hubspot-ratelimit-secondly",
  "x-shopify-shop-api-call-limit",
  "retry-after",
  "x-hubspot-ratelimit-daily",
  "x-hubspot-ratelimit-daily-remaining",
  "sforce-limit-info",
  "beta-ratelimit",
  "beta-ratelimit-policy",
  "x-beta-ratelimit-reset",
];

/** A header name as servers spell it: any case, sometimes not one we know. */
const headerName = fc.oneof(fc.mixedCase(fc.constantFrom(...NAMES)), fc.stringMatching(/^[a-z-]{1,20}$/));

const httpDate = fc
  .date({ min: new Date("1900-01-01"), max: new Date("2200-01-01"), noInvalidDate: true })
  .chain((d) =>
    fc.constantFrom(
      d.toUTCString(),
      d.toUTCString().replace(/GMT$/, "UTC"),
      d.toString(),
      d.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+)/, "$1day, $2-$3-$4"), // RFC 850-ish
    ),
  );

const headerValueText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: numberText },
  fc
    .tuple(fc.constantFrom('"default"', "default", ""), numberText, numberText)
    .map(([name, r, t]) => `${name};r=${r};t=${t}`),
  fc.tuple(numberText, numberText, numberText).map(([l, r, t]) => `limit=${l}, remaining=${r}, reset=${t}`),
  fc.tuple(numberText, numberText).map(([q, w]) => `"burst";q=${q};w=${w}, ${q}`),
  fc.tuple(numberText, numberText).map(([used, max]) => `${used}/${max}`),
  // Salesforce's Sforce-Limit-Info.
  fc
    .tuple(numberText, numberText, numberText, numberText)
    .map(([u, m, au, am]) => `api-usage=${u}/${m}; per-app-api-usage=${au}/${am}(appName=x)`),
  // Jira's ISO 8601 reset, to the minute or the second.
  fc
    .date({ min: new Date("1970-01-01"), max: new Date("9999-12-31"), noInvalidDate: true })
    .map((d) => d.toISOString().replace(/:\d{2}\.\d{3}Z$/, "Z")),
  httpDate,
  garbage,
  longRun(fc.constantFrom("9", "-9", ";", "=", ",", "r=", " ", "/", "1/")),
);
const values = fc.oneof(
  { weight: 3, arbitrary: headerValueText },
  { weight: 3, arbitrary: mutated(headerValueText) },
  { weight: 1, arbitrary: fc.array(mutated(headerValueText), { maxLength: 3 }) },
);
const headers = fc.dictionary(headerName, values, { maxKeys: 8 });
const nowMs = fc.oneof(
  fc.constant(Date.parse("2025-01-01T00:00:00Z")),
  fc.integer({ min: 0, max: 8_640_000_000_000 }),
);

function expectFiniteOrAbsent(value: number | undefined): void {
  if (value !== undefined) expect(Number.isFinite(value)).toBe(true);
}

describe("fuzz: rate-limit headers", () => {
  it(
    "RateLimitState.parse gives undefined or finite numbers, with a reset only in the future",
    () => {
      fc.assert(
        fc.property(headers, nowMs, (h, now) => {
          const outcome = settle(() => RateLimitState.parse(h, now));
          expect(outcome.ok).toBe(true);
          if (!outcome.ok || outcome.value === undefined) return;
          const { limit, remaining, resetAtMs, daily } = outcome.value;
          for (const [key, value] of Object.entries(outcome.value)) {
            expect(["limit", "remaining", "resetAtMs", "daily"]).toContain(key);
            expect(value).not.toBeUndefined();
          }
          expectFiniteOrAbsent(limit);
          expectFiniteOrAbsent(remaining);
          expectFiniteOrAbsent(resetAtMs);
          if (resetAtMs !== undefined) expect(resetAtMs).toBeGreaterThan(now);
          if (daily !== undefined) {
            for (const key of Object.keys(daily)) expect(["limit", "remaining", "source"]).toContain(key);
            expectFiniteOrAbsent(daily.limit);
            expectFiniteOrAbsent(daily.remaining);
            expect(daily.source).toMatch(
              /^(X-HubSpot-RateLimit-Daily(-Remaining)?|Sforce-Limit-Info (per-app-)?api-usage)$/,
            );
          }
        }),
        {
          numRuns: RUNS,
          examples: [
            // Each of these used to give Infinity.
            [{ "x-shopify-shop-api-call-limit": `${"9".repeat(308)}/1` }, 0],
            [{ "x-shopify-shop-api-call-limit": `-${"9".repeat(308)}/${"9".repeat(308)}` }, 0],
            [{ "retry-after": "9".repeat(306) }, 0],
          ],
        },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "parse reads the same from a fetch Headers as from a plain record",
    () => {
      const latin1 = headerValueText.filter((v) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v));
      fc.assert(
        fc.property(fc.dictionary(fc.constantFrom(...NAMES), latin1, { maxKeys: 6 }), nowMs, (h, now) => {
          const fetchHeaders = new Headers(Object.entries(h));
          // Headers strips the spaces and tabs around a value, as HTTP does.
          const strip = (v: string) => v.replace(/^[\t ]+|[\t ]+$/g, "");
          const trimmed = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, strip(v)]));
          expect(RateLimitState.parse(fetchHeaders, now)).toEqual(RateLimitState.parse(trimmed, now));
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "ingest keeps the state consistent: shouldThrottle a boolean, sleepDuration within [0, maxWaitMs]",
    () => {
      fc.assert(
        fc.property(
          fc.array(headers, { minLength: 1, maxLength: 4 }),
          nowMs,
          fc.integer({ min: 0, max: 100 }),
          fc.integer({ min: 0, max: 3_600_000 }),
          (pages, now, threshold, maxWaitMs) => {
            const state = new RateLimitState({ now: () => now, threshold, maxWaitMs });
            for (const h of pages) {
              expect(settle(() => state.ingest(h)).ok).toBe(true);
              const { limit, remaining, resetAtMs } = state.headroom;
              expectFiniteOrAbsent(limit);
              expectFiniteOrAbsent(remaining);
              expectFiniteOrAbsent(resetAtMs);
              expect(typeof state.shouldThrottle()).toBe("boolean");
              const sleep = state.sleepDuration();
              expect(Number.isFinite(sleep)).toBe(true);
              expect(sleep).toBeGreaterThanOrEqual(0);
              expect(sleep).toBeLessThanOrEqual(maxWaitMs);
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "the tighter limit decides: a spent short window is waited for, a spent day fails at once and never sleeps",
    () => {
      const count = fc.integer({ min: 0, max: 1_000_000 });
      // A short window in one of the dialects, and a day's budget in HubSpot's or Salesforce's.
      const shortWindow = fc.oneof(
        fc.record({
          kind: fc.constant("hubspot"),
          max: count,
          left: count,
          intervalMs: fc.integer({ min: 1, max: 86_400_000 }),
        }),
        fc.record({
          kind: fc.constant("github"),
          max: count,
          left: count,
          resetInS: fc.integer({ min: 1, max: 86_400 }),
        }),
        fc.record({ kind: fc.constant("none") }),
      );
      const day = fc.oneof(
        fc.record({ kind: fc.constant("hubspot"), max: count, left: count }),
        fc.record({ kind: fc.constant("salesforce"), max: count, used: count }),
      );
      fc.assert(
        fc.property(
          shortWindow,
          day,
          fc.integer({ min: 0, max: 1_000 }),
          fc.integer({ min: 1_000, max: 3_600_000 }),
          nowMs,
          (w, d, threshold, maxWaitMs, start) => {
            const headers: Record<string, string> = {};
            let waitMs = 0;
            if (w.kind === "hubspot") {
              Object.assign(headers, {
                "x-hubspot-ratelimit-max": String(w.max),
                "x-hubspot-ratelimit-remaining": String(w.left),
                "x-hubspot-ratelimit-interval-milliseconds": String(w.intervalMs),
              });
              if (w.left <= threshold) waitMs = Math.min(maxWaitMs, w.intervalMs);
            } else if (w.kind === "github") {
              Object.assign(headers, {
                "x-ratelimit-limit": String(w.max),
                "x-ratelimit-remaining": String(w.left),
                "x-ratelimit-reset": String(w.resetInS),
              });
              if (w.left <= threshold) waitMs = Math.min(maxWaitMs, w.resetInS * 1000);
            }
            let dayLeft: number;
            if (d.kind === "hubspot") {
              headers["x-hubspot-ratelimit-daily"] = String(d.max);
              headers["x-hubspot-ratelimit-daily-remaining"] = String(d.left);
              dayLeft = d.left;
            } else {
              headers["sforce-limit-info"] = `api-usage=${d.used}/${d.max}`;
              dayLeft = d.max - d.used;
            }
            let t = start;
            const state = new RateLimitState({ now: () => t, threshold, maxWaitMs, recheckAfterMs: 60_000 });
            state.ingest(headers);
            expect(state.headroom.daily?.remaining).toBe(dayLeft);
            // The day never makes it sleep: only the short window's wait counts.
            expect(state.sleepDuration()).toBe(waitMs);
            expect(state.exhausted() !== undefined).toBe(dayLeft <= threshold);
            t += 60_000;
            expect(state.exhausted()).toBeUndefined();
          },
        ),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "resetToEpochMs maps any finite reset to a finite epoch ms, never before now for a delta",
    () => {
      const resets = fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.constantFrom(0, 1e9, 1e9 + 1, 1e12, 1e12 + 1, -1e306, Number.MAX_VALUE, -Number.MAX_VALUE),
      );
      fc.assert(
        fc.property(resets, nowMs, (value, now) => {
          const at = resetToEpochMs(value, now);
          expect(Number.isFinite(at)).toBe(true);
          if (value <= 1e9) expect(at).toBeGreaterThanOrEqual(now);
        }),
        { numRuns: RUNS, examples: [[-1e306, 0]] },
      );
    },
    TEST_TIMEOUT_MS,
  );
});

describe("fuzz: Retry-After", () => {
  const retryAfterText = fc.oneof(
    mutated(fc.oneof(numberText, httpDate)),
    garbage,
    longRun(fc.constantFrom(" ", "9", "1.", "Mon, ", "Jan ", "00:00:00 ", "\t")),
  );

  it(
    "parseRetryAfter gives undefined or a finite, non-negative number of ms",
    () => {
      fc.assert(
        fc.property(fc.option(retryAfterText, { nil: undefined }), nowMs, (value, now) => {
          const outcome = settle(() => parseRetryAfter(value, now));
          expect(outcome.ok).toBe(true);
          if (!outcome.ok || outcome.value === undefined) return;
          expect(Number.isFinite(outcome.value)).toBe(true);
          expect(outcome.value).toBeGreaterThanOrEqual(0);
        }),
        // 400 nines of delta-seconds used to give Infinity ms.
        { numRuns: RUNS, examples: [["9".repeat(400), 0]] },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "delta-seconds read exactly: n seconds is n * 1000 ms",
    () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1e9 }), fc.constantFrom("", " ", "\t"), (n, ws) => {
          expect(parseRetryAfter(`${ws}${n}${ws}`)).toBe(n * 1000);
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "an IMF-fixdate reads as the ms from now to that second, or 0 when it is past",
    () => {
      fc.assert(
        fc.property(
          fc.date({ min: new Date("1970-01-01"), max: new Date("9999-12-31"), noInvalidDate: true }),
          nowMs,
          (date, now) => {
            const at = Math.floor(date.getTime() / 1000) * 1000;
            expect(parseRetryAfter(date.toUTCString(), now)).toBe(Math.max(0, at - now));
          },
        ),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
