// Bugs the chaos suite's faults lead to, pinned one by one: a Retry-After of an hour must not make the
// same client hold its later requests (up to the rate-limit gate's 15-minute cap) instead of failing.
import { afterEach, describe, expect, it } from "vitest";
import { RateLimitError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { FAST_RETRY, json, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

/** The call's outcome, or "held" when it has not settled after `ms`. */
async function settledWithin<T>(ms: number, work: Promise<T>): Promise<T | unknown> {
  let timer: NodeJS.Timeout | undefined;
  const held = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve("held"), ms);
  });
  try {
    return await Promise.race([work.catch((error: unknown) => error), held]);
  } finally {
    clearTimeout(timer);
  }
}

describe("a Retry-After longer than maxRetryAfterMs on a reused client", () => {
  it("fails the client's next request at once with RateLimitError instead of holding it", async () => {
    let n = 0;
    const server = await serve((_req, res) =>
      ++n === 1
        ? json(res, 429, { error: "come back in an hour" }, { "retry-after": "3600" })
        : json(res, 200, { ok: true }),
    );
    const api = client(server.url, { retry: { ...FAST_RETRY, maxRetryAfterMs: 1_000 } });
    expect(await api.get("/first").catch((e: unknown) => e)).toBeInstanceOf(RateLimitError);

    const started = performance.now();
    const second = await settledWithin(3_000, api.get("/second"));
    expect(second).toBeInstanceOf(RateLimitError);
    expect(performance.now() - started).toBeLessThan(1_000);
    const error = second as RateLimitError;
    expect(error.status).toBe(429);
    expect(error.retryAfter).toBeGreaterThan(3500);
    expect(error.message).toMatch(/GET .*\/second .*maxRetryAfterMs/);
    // Refused before it was sent: the server saw only the first request.
    expect(server.requests.map((r) => r.url)).toEqual(["/first"]);
  });

  it("lets requests through again once the long Retry-After has passed", async () => {
    let n = 0;
    const server = await serve((_req, res) =>
      ++n === 1 ? json(res, 429, {}, { "retry-after": "1" }) : json(res, 200, { ok: true }),
    );
    const api = client(server.url, { retry: { ...FAST_RETRY, maxRetryAfterMs: 100 } });
    expect(await api.get("/a").catch((e: unknown) => e)).toBeInstanceOf(RateLimitError);
    expect(await api.get("/b").catch((e: unknown) => e)).toBeInstanceOf(RateLimitError);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expect(api.get("/c")).resolves.toEqual({ ok: true });
    expect(server.requests.map((r) => r.url)).toEqual(["/a", "/c"]);
  });

  it("still holds (not fails) a later request for a Retry-After within maxRetryAfterMs", async () => {
    let n = 0;
    const server = await serve((_req, res) =>
      ++n <= 4 ? json(res, 429, {}, { "retry-after": "1" }) : json(res, 200, { ok: true }),
    );
    const holds: number[] = [];
    const api = client(server.url, {
      retry: { ...FAST_RETRY, maxRetries: 0, maxRetryAfterMs: 5_000 },
      hooks: { onRateLimit: (e) => void holds.push(e.waitMs) },
    });
    expect(await api.get("/a").catch((e: unknown) => e)).toBeInstanceOf(RateLimitError);
    expect(
      await settledWithin(
        3_000,
        api.get("/b").catch(() => "429 again"),
      ),
    ).toBe("429 again");
    expect(holds).toHaveLength(1);
    expect(holds[0]).toBeGreaterThan(0);
  });
});
