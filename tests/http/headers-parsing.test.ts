import { describe, expect, it } from "vitest";
import {
  createRedactor,
  findLink,
  parseLinkHeader,
  parseRetryAfter,
  RateLimitState,
} from "../../src/http/index.js";

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");

  it("reads delta-seconds, decimals included", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
  });

  it("reads an HTTP date", () => {
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30_000);
  });

  it("gives 0 for a date in the past", () => {
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:00:00 GMT", now)).toBe(0);
  });

  it("gives undefined for garbage, negatives and nothing", () => {
    for (const bad of [undefined, "", "-5", "soon", "NaN", "2025-01-01"])
      expect(parseRetryAfter(bad, now)).toBeUndefined();
  });
});

describe("parseLinkHeader", () => {
  it("reads GitHub's form", () => {
    const header =
      '<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last"';
    expect(findLink(header, "next")).toBe("https://api.github.com/repositories/1/issues?page=2");
    expect(findLink(header, "last")).toBe("https://api.github.com/repositories/1/issues?page=5");
  });

  it("reads Shopify's page_info form", () => {
    const header =
      '<https://shop.myshopify.com/admin/api/2024-01/products.json?limit=250&page_info=abc>; rel="next"';
    expect(new URL(findLink(header, "next")!).searchParams.get("page_info")).toBe("abc");
  });

  it("resolves relative URLs against the base", () => {
    expect(findLink('</items?page=2>; rel="next"', "next", "https://h.test/api/items")).toBe(
      "https://h.test/items?page=2",
    );
  });

  it("does not split on commas inside the URL or quoted values", () => {
    const links = parseLinkHeader(
      '<https://h.test/x?a=1,2>; rel="next"; title="a, b", <https://h.test/y>; rel=prev',
    );
    expect(links.map((l) => l.url)).toEqual(["https://h.test/x?a=1,2", "https://h.test/y"]);
    expect(links[0]?.params.title).toBe("a, b");
    expect(links[1]?.rel).toEqual(["prev"]);
  });

  it("reads several rel values", () => {
    expect(parseLinkHeader('<https://h.test/x>; rel="next last"')[0]?.rel).toEqual(["next", "last"]);
  });

  it("survives garbage without throwing", () => {
    for (const junk of ["", "<", ">;;;", "<<<>>>", "rel=next", '<:::>; rel="next"', "a".repeat(10_000)]) {
      expect(() => parseLinkHeader(junk, "https://h.test")).not.toThrow();
    }
  });
});

describe("RateLimitState", () => {
  const now = 1_700_000_000_000;
  const clock = () => now;

  it("reads GitHub's X-RateLimit headers with an epoch-seconds reset", () => {
    const state = new RateLimitState({ now: clock });
    state.ingest({
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(now / 1000 + 60),
    });
    expect(state.headroom).toEqual({ limit: 5000, remaining: 0, resetAtMs: now + 60_000 });
    expect(state.shouldThrottle()).toBe(true);
    expect(state.sleepDuration()).toBe(60_000);
  });

  it("reads a delta-seconds reset and an epoch-milliseconds reset by magnitude", () => {
    expect(
      RateLimitState.parse({ "x-ratelimit-remaining": "1", "x-ratelimit-reset": "30" }, now)?.resetAtMs,
    ).toBe(now + 30_000);
    expect(
      RateLimitState.parse({ "x-ratelimit-remaining": "1", "x-ratelimit-reset": String(now + 5000) }, now)
        ?.resetAtMs,
    ).toBe(now + 5000);
  });

  it("reads the IETF RateLimit and RateLimit-Policy fields", () => {
    const parsed = RateLimitState.parse(
      { ratelimit: '"default";r=50;t=30', "ratelimit-policy": '"default";q=100;w=60' },
      now,
    );
    expect(parsed).toEqual({ limit: 100, remaining: 50, resetAtMs: now + 30_000 });
  });

  it("reads the older RateLimit-Limit/Remaining/Reset trio", () => {
    expect(
      RateLimitState.parse(
        { "ratelimit-limit": "10", "ratelimit-remaining": "2", "ratelimit-reset": "5" },
        now,
      ),
    ).toEqual({
      limit: 10,
      remaining: 2,
      resetAtMs: now + 5000,
    });
  });

  it("reads HubSpot's headers", () => {
    const parsed = RateLimitState.parse(
      {
        "x-hubspot-ratelimit-remaining": "0",
        "x-hubspot-ratelimit-max": "100",
        "x-hubspot-ratelimit-interval-milliseconds": "10000",
      },
      now,
    );
    expect(parsed).toEqual({ limit: 100, remaining: 0, resetAtMs: now + 10_000 });
  });

  it("reads Shopify's call limit", () => {
    expect(RateLimitState.parse({ "x-shopify-shop-api-call-limit": "40/40" }, now)).toEqual({
      limit: 40,
      remaining: 0,
      resetAtMs: now + 20_000,
    });
  });

  it("ignores a reset already in the past", () => {
    const state = new RateLimitState({ now: clock });
    state.ingest({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 - 10) });
    expect(state.shouldThrottle()).toBe(false);
  });

  it("throttles at the threshold, not above it", () => {
    const state = new RateLimitState({ now: clock, threshold: 5 });
    state.ingest({ "x-ratelimit-remaining": "6", "x-ratelimit-reset": "10" });
    expect(state.shouldThrottle()).toBe(false);
    state.ingest({ "x-ratelimit-remaining": "5", "x-ratelimit-reset": "10" });
    expect(state.shouldThrottle()).toBe(true);
  });

  it("stops throttling once the reset time has passed", () => {
    let t = now;
    const state = new RateLimitState({ now: () => t });
    state.ingest({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": "2" });
    expect(state.shouldThrottle()).toBe(true);
    t += 2001;
    expect(state.shouldThrottle()).toBe(false);
  });

  it("ignores garbage values", () => {
    expect(
      RateLimitState.parse({ "x-ratelimit-remaining": "lots", "x-ratelimit-reset": "soon" }, now),
    ).toBeUndefined();
  });
});

describe("redaction", () => {
  const redactor = createRedactor({
    extraHeaders: ["X-Custom-Key"],
    extraParams: ["sessionid"],
    secrets: ["s3cr3t-value"],
  });

  it("redacts secret query parameters whatever their case, keeping the rest", () => {
    const out = redactor.redactUrl(
      "https://h.test/x?API_KEY=abc&q=cats&access_token=t&ids=1&ids=2&sessionid=z",
    );
    expect(out).toBe(
      "https://h.test/x?API_KEY=[REDACTED]&q=cats&access_token=[REDACTED]&ids=1&ids=2&sessionid=[REDACTED]",
    );
  });

  it("redacts parameters whose names contain token, secret or password", () => {
    expect(
      redactor.redactUrl("https://h.test/?my_refresh_token=1&client_secret=2&db_password=3"),
    ).not.toMatch(/=[123]/);
  });

  it("redacts userinfo", () => {
    expect(redactor.redactUrl("https://user:pass@h.test/x")).toBe("https://[REDACTED]@h.test/x");
  });

  it("does not throw on an invalid URL and still redacts its secrets", () => {
    expect(redactor.redactUrl("/relative?token=abc&x=1")).toBe("/relative?token=[REDACTED]&x=1");
  });

  it("redacts credential headers and keeps the auth scheme", () => {
    const out = redactor.redactHeaders({
      Authorization: "Bearer abc.def",
      cookie: "a=b",
      "x-api-key": "k",
      "x-custom-key": "k2",
      accept: "application/json",
    });
    expect(out).toEqual({
      authorization: "Bearer [REDACTED]",
      cookie: "[REDACTED]",
      "x-api-key": "[REDACTED]",
      "x-custom-key": "[REDACTED]",
      accept: "application/json",
    });
  });

  it("replaces known secret values anywhere in text", () => {
    expect(redactor.redactText("error: token s3cr3t-value rejected")).toBe(
      "error: token [REDACTED] rejected",
    );
  });
});
