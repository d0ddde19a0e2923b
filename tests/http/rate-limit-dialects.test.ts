// The rate-limit headers of the built-in connectors' APIs, as each documents them: GitHub, Shopify,
// HubSpot (per 10 s, per second, per day), Jira (ISO reset, beta points quota), Salesforce
// (Sforce-Limit-Info, a 24-hour budget), and Notion, Airtable and Stripe (a 429 with Retry-After at
// most). A spent day's budget fails requests at once instead of holding them until it resets.
import { afterEach, describe, expect, it } from "vitest";
import { RateLimitError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { RateLimitState } from "../../src/http/rate-limit-state.js";
import { json, useLoopback } from "../support/server.js";

const now = 1_700_000_000_000;
const clock = () => now;

describe("each built-in connector's rate-limit headers", () => {
  it("GitHub: X-RateLimit-* with an epoch-seconds reset (used and resource are extra)", () => {
    expect(
      RateLimitState.parse(
        {
          "x-ratelimit-limit": "5000",
          "x-ratelimit-remaining": "4999",
          "x-ratelimit-used": "1",
          "x-ratelimit-reset": String(now / 1000 + 3600),
          "x-ratelimit-resource": "core",
        },
        now,
      ),
    ).toEqual({ limit: 5000, remaining: 4999, resetAtMs: now + 3_600_000 });
  });

  it("Shopify: the call-limit bucket, and Retry-After on its 429", () => {
    expect(RateLimitState.parse({ "x-shopify-shop-api-call-limit": "32/40" }, now)).toEqual({
      limit: 40,
      remaining: 8,
      resetAtMs: now + 16_000,
    });
    expect(RateLimitState.parse({ "retry-after": "2.0" }, now)).toEqual({
      remaining: 0,
      resetAtMs: now + 2000,
    });
  });

  it("HubSpot: the tighter of its 10-second and per-second windows, and the day's budget beside them", () => {
    const headroom = RateLimitState.parse(
      {
        "x-hubspot-ratelimit-max": "190",
        "x-hubspot-ratelimit-remaining": "150",
        "x-hubspot-ratelimit-interval-milliseconds": "10000",
        "x-hubspot-ratelimit-secondly": "19",
        "x-hubspot-ratelimit-secondly-remaining": "18",
        "x-hubspot-ratelimit-daily": "500000",
        "x-hubspot-ratelimit-daily-remaining": "1200",
      },
      now,
    );
    expect(headroom).toEqual({
      limit: 19,
      remaining: 18,
      resetAtMs: now + 1000,
      daily: { limit: 500_000, remaining: 1200, source: "X-HubSpot-RateLimit-Daily-Remaining" },
    });
  });

  it("Jira: an ISO 8601 X-RateLimit-Reset, and the beta points quota when it is the tighter one", () => {
    expect(
      RateLimitState.parse(
        {
          "x-ratelimit-limit": "350",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": "2023-11-14T22:15Z",
          "retry-after": "5",
          "x-ratelimit-nearlimit": "true",
        },
        now,
      ),
    ).toEqual({ limit: 350, remaining: 0, resetAtMs: Date.parse("2023-11-14T22:15:00Z") });
    expect(
      RateLimitState.parse(
        {
          "x-ratelimit-limit": "400",
          "x-ratelimit-remaining": "399",
          "beta-ratelimit": '"tenant-app-quota";r=12;t=2107',
          "beta-ratelimit-policy": '"tenant-app-quota";q=100100;w=3600',
        },
        now,
      ),
    ).toEqual({ limit: 100_100, remaining: 12, resetAtMs: now + 2_107_000 });
  });

  it("Salesforce: Sforce-Limit-Info is the org's 24-hour budget, and the tighter of it and the app's", () => {
    expect(RateLimitState.parse({ "sforce-limit-info": "api-usage=25/15000" }, now)).toEqual({
      daily: { limit: 15_000, remaining: 14_975, source: "Sforce-Limit-Info api-usage" },
    });
    expect(
      RateLimitState.parse(
        { "sforce-limit-info": "api-usage=10018/100000; per-app-api-usage=17/250(appName=sample-app)" },
        now,
      )?.daily,
    ).toEqual({ limit: 250, remaining: 233, source: "Sforce-Limit-Info per-app-api-usage" });
  });

  it("Notion and Airtable: only a 429 with Retry-After (seconds or a date); Stripe: nothing", () => {
    expect(RateLimitState.parse({ "retry-after": "30" }, now)).toEqual({
      remaining: 0,
      resetAtMs: now + 30_000,
    });
    expect(RateLimitState.parse({ "retry-after": new Date(now + 7000).toUTCString() }, now)).toEqual({
      remaining: 0,
      resetAtMs: now + 7000,
    });
    expect(
      RateLimitState.parse({ "request-id": "req_123", "stripe-should-retry": "true" }, now),
    ).toBeUndefined();
  });
});

describe("a short window and the day's budget together", () => {
  it("waits for a spent short window while the day still has budget", () => {
    const state = new RateLimitState({ now: clock });
    state.ingest({
      "x-hubspot-ratelimit-max": "100",
      "x-hubspot-ratelimit-remaining": "0",
      "x-hubspot-ratelimit-interval-milliseconds": "10000",
      "x-hubspot-ratelimit-daily": "500000",
      "x-hubspot-ratelimit-daily-remaining": "4",
    });
    expect(state.sleepDuration()).toBe(10_000);
    expect(state.exhausted()).toBeUndefined();
    // The nearly spent day shows in the headroom.
    expect(state.headroom.daily).toMatchObject({ limit: 500_000, remaining: 4 });
  });

  it("fails at once, never sleeping, when the day is spent and its reset is unknown; looks again a minute later", () => {
    let t = now;
    const state = new RateLimitState({ now: () => t });
    state.ingest({
      "x-hubspot-ratelimit-max": "100",
      "x-hubspot-ratelimit-remaining": "99",
      "x-hubspot-ratelimit-interval-milliseconds": "10000",
      "x-hubspot-ratelimit-daily": "500000",
      "x-hubspot-ratelimit-daily-remaining": "0",
    });
    expect(state.shouldThrottle()).toBe(false);
    expect(state.exhausted()).toEqual({
      reason:
        "the server's daily request budget is spent (0 of 500000 left, X-HubSpot-RateLimit-Daily-Remaining), " +
        "and it does not say when it comes back. Requests fail at once until then; one is let through 60 s " +
        "after the last answer to check",
    });
    t += 59_999;
    expect(state.exhausted()).toBeDefined();
    t += 1;
    expect(state.exhausted()).toBeUndefined();
  });

  it("lets the spent day decide even when the short window would only ask for a short wait", () => {
    const state = new RateLimitState({ now: clock, threshold: 10 });
    state.ingest({
      ratelimit: '"burst";r=0;t=5',
      "x-hubspot-ratelimit-daily": "1000",
      "x-hubspot-ratelimit-daily-remaining": "10",
    });
    expect(state.sleepDuration()).toBe(5000);
    // The interceptor asks exhausted() first: the request fails rather than wait 5 s for a 429.
    expect(state.exhausted()?.reason).toContain("(10 of 1000 left, X-HubSpot-RateLimit-Daily-Remaining)");
  });

  it("treats a spent Salesforce budget like any day's: at the threshold, requests fail at once", () => {
    const state = new RateLimitState({ now: clock, threshold: 50 });
    state.ingest({ "sforce-limit-info": "api-usage=14950/15000" });
    expect(state.exhausted()?.reason).toContain("(50 of 15000 left, Sforce-Limit-Info api-usage)");
    state.ingest({ "sforce-limit-info": "api-usage=14949/15000" });
    expect(state.exhausted()).toBeUndefined();
  });
});

describe("the transport with a spent day's budget", () => {
  const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

  it("sends nothing more once HubSpot says the day is spent: a RateLimitError at once, no hold", async () => {
    const server = await serve((_req, res) =>
      json(
        res,
        200,
        { results: [] },
        {
          "x-hubspot-ratelimit-max": "190",
          "x-hubspot-ratelimit-remaining": "189",
          "x-hubspot-ratelimit-interval-milliseconds": "10000",
          "x-hubspot-ratelimit-daily": "250000",
          "x-hubspot-ratelimit-daily-remaining": "0",
        },
      ),
    );
    const holds: number[] = [];
    const api = client(server.url, { hooks: { onRateLimit: (e) => void holds.push(e.waitMs) } });
    await api.get("/crm/v3/objects/contacts");
    expect(api.rateLimit.headroom.daily).toEqual({
      limit: 250_000,
      remaining: 0,
      source: "X-HubSpot-RateLimit-Daily-Remaining",
    });
    const started = Date.now();
    const error = await api.get("/crm/v3/objects/deals").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/crm\/v3\/objects\/deals was not sent: the server's daily request budget is spent \(0 of 250000 left/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(1);
    expect(holds).toEqual([]);
  });

  it("stops retrying a 429 that spent the day, instead of backing off into more 429s", async () => {
    const server = await serve((_req, res) =>
      json(
        res,
        429,
        { status: "error", policyName: "DAILY" },
        { "x-hubspot-ratelimit-daily": "250000", "x-hubspot-ratelimit-daily-remaining": "0" },
      ),
    );
    const api = client(server.url, { retry: { maxRetries: 5, initialDelayMs: 1, maxDelayMs: 5 } });
    const error = await api.get("/crm/v3/objects/contacts").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toContain("daily request budget is spent");
    expect(server.requests).toHaveLength(1);
  });
});

describe("RateLimitState printed", () => {
  it("shows its threshold and what the server said, in util.inspect and JSON", async () => {
    const { inspect } = await import("node:util");
    const now = Date.UTC(2026, 11, 1, 12, 0, 0);
    const state = new RateLimitState({ threshold: 2, now: () => now });
    expect(inspect(state)).toBe("RateLimitState { threshold: 2, headroom: {} }");
    state.ingest({
      "x-ratelimit-limit": "60",
      "x-ratelimit-remaining": "12",
      "x-ratelimit-reset": String(now / 1000 + 30),
    });
    expect(JSON.parse(JSON.stringify(state))).toEqual({
      threshold: 2,
      headroom: { limit: 60, remaining: 12, resetAt: "2026-12-01T12:00:30.000Z" },
    });
    expect(inspect(state, { breakLength: Number.POSITIVE_INFINITY })).toBe(
      "RateLimitState { threshold: 2, headroom: { limit: 60, remaining: 12, resetAt: '2026-12-01T12:00:30.000Z' } }",
    );
  });
});
