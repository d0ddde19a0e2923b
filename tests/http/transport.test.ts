import { fetch as undiciFetch } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { AuthError, HttpError, NetworkError, RateLimitError, TimeoutError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { createDispatcher, type RetryEvent } from "../../src/http/index.js";
import { FAST_RETRY, json, useLoopback } from "../support/server.js";

const { serve, client, forget } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

describe("retries", () => {
  it("retries a 503 burst on GET and returns the eventual success", async () => {
    let n = 0;
    const server = await serve((_req, res) =>
      ++n <= 3 ? json(res, 503, { error: "busy" }) : json(res, 200, { ok: true }),
    );
    const retries: RetryEvent[] = [];
    const api = client(server.url, { hooks: { onRetry: (e) => void retries.push(e) } });
    await expect(api.get("/x")).resolves.toEqual({ ok: true });
    expect(server.requests).toHaveLength(4);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(retries[0]).toMatchObject({ method: "GET", status: 503, reason: "status 503" });
  });

  it("honours Retry-After in seconds on a 429", async () => {
    let n = 0;
    const server = await serve((_req, res) =>
      ++n === 1 ? json(res, 429, { error: "slow down" }, { "retry-after": "0" }) : json(res, 200, [1]),
    );
    const waits: number[] = [];
    const api = client(server.url, { hooks: { onRetry: (e) => void waits.push(e.waitMs) } });
    await expect(api.get("/x")).resolves.toEqual([1]);
    expect(waits).toEqual([0]);
  });

  it("honours Retry-After as an HTTP date", async () => {
    let n = 0;
    const server = await serve((_req, res) =>
      ++n === 1
        ? json(res, 429, {}, { "retry-after": new Date(Date.now() + 1500).toUTCString() })
        : json(res, 200, { ok: 1 }),
    );
    const waits: number[] = [];
    const api = client(server.url, { hooks: { onRetry: (e) => void waits.push(e.waitMs) } });
    await api.get("/x");
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(1500);
  });

  it("gives up at once with RateLimitError when Retry-After exceeds maxRetryAfterMs", async () => {
    const server = await serve((_req, res) => json(res, 429, { error: "quota" }, { "retry-after": "3600" }));
    const api = client(server.url, { retry: { ...FAST_RETRY, maxRetryAfterMs: 60_000 } });
    const error = await api.get("/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3_600_000);
    // The deprecated seconds alias still answers for code written against it.
    expect((error as RateLimitError).retryAfter).toBe(3600);
    expect(server.requests).toHaveLength(1);
  });

  it("raises RateLimitError naming the attempts when 429s never stop", async () => {
    const server = await serve((_req, res) => json(res, 429, { error: "quota" }));
    const api = client(server.url, { maxRetries: 2 });
    const error = (await api.get("/x").catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.attempts).toBe(3);
    expect(error.message).toContain("3 attempts");
  });

  it("does not retry a 503 on POST without an Idempotency-Key", async () => {
    const server = await serve((_req, res) => json(res, 503, { error: "busy" }));
    const api = client(server.url);
    await expect(api.post("/x", { body: { a: 1 } })).rejects.toBeInstanceOf(HttpError);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a 503 on POST that carries an Idempotency-Key and re-sends the body intact", async () => {
    let n = 0;
    const server = await serve((_req, res) => (++n < 3 ? json(res, 503, {}) : json(res, 201, { id: 7 })));
    const api = client(server.url);
    const body = { name: "Zoë", amount: 12.5, tags: ["a", "b"] };
    await expect(api.post("/x", { body, headers: { "Idempotency-Key": "k-1" } })).resolves.toEqual({ id: 7 });
    expect(server.requests).toHaveLength(3);
    for (const r of server.requests) expect(JSON.parse(r.body)).toEqual(body);
  });

  it("retries a 429 on POST", async () => {
    let n = 0;
    const server = await serve((_req, res) =>
      ++n === 1 ? json(res, 429, {}) : json(res, 200, { ok: true }),
    );
    await expect(client(server.url).post("/x", { body: { a: 1 } })).resolves.toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });

  it("never retries 401 and raises AuthError", async () => {
    const server = await serve((_req, res) => json(res, 401, { message: "bad token" }));
    const error = (await client(server.url)
      .get("/x")
      .catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.status).toBe(401);
    expect(error.bodyExcerpt).toContain("bad token");
    expect(server.requests).toHaveLength(1);
  });

  it("never retries other 4xx", async () => {
    const server = await serve((_req, res) =>
      json(res, 422, { message: "invalid" }, { "x-request-id": "req-42" }),
    );
    const error = (await client(server.url)
      .get("/x")
      .catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(422);
    expect(error.requestId).toBe("req-42");
    expect(server.requests).toHaveLength(1);
  });

  it("retries a connection reset on GET", async () => {
    let n = 0;
    const server = await serve((_req, res) => {
      if (++n === 1) res.socket?.destroy();
      else json(res, 200, { ok: true });
    });
    await expect(client(server.url).get("/x")).resolves.toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });

  it("retries a body cut off mid-way (truncated JSON) on GET", async () => {
    let n = 0;
    const server = await serve((_req, res) => {
      if (++n === 1) {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"data": [1, 2,');
        setTimeout(() => res.socket?.destroy(), 5);
      } else json(res, 200, { data: [1, 2, 3] });
    });
    await expect(client(server.url).get("/x")).resolves.toEqual({ data: [1, 2, 3] });
  });

  it("does not retry a connection reset on POST without an Idempotency-Key", async () => {
    const server = await serve((_req, res) => void res.socket?.destroy());
    const error = await client(server.url)
      .post("/x", { body: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a refused connection even for POST, then raises NetworkError with the attempt count", async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const url = server.url;
    await server.close();
    forget(server);
    const retries: RetryEvent[] = [];
    const api = client(url, { maxRetries: 2, hooks: { onRetry: (e) => void retries.push(e) } });
    const error = (await api.post("/x", { body: {} }).catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.errorCode).toBe("ECONNREFUSED");
    expect(error.attempts).toBe(3);
    expect(retries).toHaveLength(2);
  });

  it("raises TimeoutError when headers are slower than the timeout", async () => {
    const server = await serve(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 4000));
      if (!res.destroyed) json(res, 200, {});
    });
    // undici checks header timeouts on a ~1 s timer wheel, so the server must be slower than that.
    const error = (await client(server.url, { timeout: 200, maxRetries: 1 })
      .get("/slow")
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.phase).toBe("headers");
    expect(error.attempts).toBe(2);
  });

  it("a per-call timeoutMs, or its deprecated name timeout, overrides the client's", async () => {
    const server = await serve(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 4000));
      if (!res.destroyed) json(res, 200, {});
    });
    const api = client(server.url, { timeoutMs: 60_000, maxRetries: 0 });
    for (const perCall of [{ timeoutMs: 200 }, { timeout: 200 }]) {
      const error = await api.get("/slow", perCall).catch((e: unknown) => e);
      expect(error, JSON.stringify(perCall)).toBeInstanceOf(TimeoutError);
    }
  });

  it("stops waiting for a retry when the AbortSignal fires", async () => {
    const server = await serve((_req, res) => json(res, 503, {}, { "retry-after": "30" }));
    const api = client(server.url);
    const controller = new AbortController();
    const pending = api.get("/x", { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user cancelled")), 50);
    await expect(pending).rejects.toThrow("user cancelled");
    expect(server.requests).toHaveLength(1);
  });

  it("gives up when the total wait budget would be exceeded", async () => {
    const server = await serve((_req, res) => json(res, 503, {}, { "retry-after": "1" }));
    const api = client(server.url, { retry: { ...FAST_RETRY, maxTotalWaitMs: 500 } });
    await expect(api.get("/x")).rejects.toBeInstanceOf(HttpError);
    expect(server.requests).toHaveLength(1);
  });
});

describe("connections", () => {
  it("reuses one keep-alive connection for sequential requests", async () => {
    const server = await serve((_req, res) => json(res, 200, { ok: true }));
    const api = client(server.url);
    for (let i = 0; i < 20; i++) await api.get(`/x/${i}`);
    expect(server.requests).toHaveLength(20);
    // undici may open a second socket while the first is being handed back to the pool; never one per request.
    expect(server.connections).toBeLessThanOrEqual(2);
  });
});

describe("redirects", () => {
  it("drops Authorization and the API-key header when a redirect leaves the origin", async () => {
    const other = await serve((_req, res) => json(res, 200, { moved: true }));
    const origin = await serve((_req, res) => {
      res.writeHead(302, { location: `${other.url}/landing` });
      res.end();
    });
    const api = client(origin.url, { auth: { type: "bearer", token: "sekrit-token" } });
    await expect(api.get("/start")).resolves.toEqual({ moved: true });
    expect(origin.requests[0]?.headers.authorization).toBe("Bearer sekrit-token");
    expect(other.requests[0]?.headers.authorization).toBeUndefined();

    const keyed = client(origin.url, { auth: { type: "apikey", apiKey: "k-123", header: "X-Custom-Key" } });
    await keyed.get("/start");
    expect(origin.requests[1]?.headers["x-custom-key"]).toBe("k-123");
    expect(other.requests[1]?.headers["x-custom-key"]).toBeUndefined();
  });

  it("keeps credentials on a same-origin redirect", async () => {
    const server = await serve((req, res) => {
      if (req.url === "/old") {
        res.writeHead(301, { location: "/new" });
        res.end();
      } else json(res, 200, { here: true });
    });
    const api = client(server.url, { token: "tok-abc" });
    await expect(api.get("/old")).resolves.toEqual({ here: true });
    expect(server.requests[1]?.headers.authorization).toBe("Bearer tok-abc");
  });
});

describe("bad bodies", () => {
  it("raises HttpError naming the content type for an HTML page where JSON was expected", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><body>Maintenance</body></html>");
    });
    const error = (await client(server.url)
      .get("/x")
      .catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toContain("text/html");
    expect(error.message).toContain("<html>");
  });

  it("puts an HTML error page's excerpt in the HttpError of a 500", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(500, { "content-type": "text/html" });
      res.end(`<h1>Internal Error</h1>${"x".repeat(5000)}`);
    });
    const error = (await client(server.url, { maxRetries: 0 })
      .get("/x")
      .catch((e: unknown) => e)) as HttpError;
    expect(error.status).toBe(500);
    expect(error.bodyExcerpt.startsWith("<h1>Internal Error</h1>")).toBe(true);
    expect(Buffer.byteLength(error.bodyExcerpt)).toBeLessThanOrEqual(2048 + 3);
  });

  it("keeps integers beyond 2^53 exact as bigint", async () => {
    const server = await serve((_req, res) =>
      json(res, 200, '{"id": 12345678901234567890, "small": 42, "f": 1.5}'),
    );
    const data = (await client(server.url).get("/x")) as Record<string, unknown>;
    expect(data.id).toBe(12345678901234567890n);
    expect(data.small).toBe(42);
    expect(data.f).toBe(1.5);
  });
});

describe("the dispatcher on its own", () => {
  it("gives plain fetch() the same retries", async () => {
    let n = 0;
    const server = await serve((_req, res) => (++n < 3 ? json(res, 502, {}) : json(res, 200, { ok: true })));
    const dispatcher = createDispatcher({ retry: FAST_RETRY });
    try {
      const response = await undiciFetch(`${server.url}/x`, { dispatcher });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true });
      expect(server.requests).toHaveLength(3);
    } finally {
      await dispatcher.close();
    }
  });

  it("adds credentials only for the client's own origin", async () => {
    const other = await serve((_req, res) => json(res, 200, {}));
    const server = await serve((_req, res) => json(res, 200, {}));
    const api = client(server.url, { token: "only-for-home" });
    await undiciFetch(`${server.url}/x`, { dispatcher: api.dispatcher });
    await undiciFetch(`${other.url}/x`, { dispatcher: api.dispatcher });
    expect(server.requests[0]?.headers.authorization).toBe("Bearer only-for-home");
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });
});

describe("rate limits", () => {
  it("holds the next request until the reset when the server says no headroom is left", async () => {
    const server = await serve((_req, res) =>
      json(
        res,
        200,
        { ok: true },
        { "x-ratelimit-limit": "10", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1" },
      ),
    );
    const holds: number[] = [];
    const api = client(server.url, { hooks: { onRateLimit: (e) => void holds.push(e.waitMs) } });
    await api.get("/a");
    expect(api.rateLimit.headroom.remaining).toBe(0);
    await api.get("/b");
    expect(holds).toHaveLength(1);
    expect(holds[0]).toBeGreaterThan(0);
    expect(holds[0]).toBeLessThanOrEqual(1000);
  });

  it("ignores a reset that is already in the past", async () => {
    const past = String(Math.floor(Date.now() / 1000) - 100);
    const server = await serve((_req, res) =>
      json(res, 200, {}, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": past }),
    );
    const holds: number[] = [];
    const api = client(server.url, { hooks: { onRateLimit: (e) => void holds.push(e.waitMs) } });
    await api.get("/a");
    await api.get("/b");
    expect(holds).toEqual([]);
  });

  it("spaces requests with the client-side requestsPerSecond limit", async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const holds: number[] = [];
    const api = client(server.url, {
      rateLimit: { requestsPerSecond: 20, burst: 1 },
      hooks: { onRateLimit: (e) => void holds.push(e.waitMs) },
    });
    await Promise.all([api.get("/1"), api.get("/2"), api.get("/3")]);
    expect(server.requests).toHaveLength(3);
    expect(holds).toHaveLength(2);
    expect(Math.max(...holds)).toBeGreaterThan(50);
  });
});

describe("hooks", () => {
  it("keeps going when a hook throws, and logs it", async () => {
    const server = await serve((_req, res) => json(res, 200, { ok: true }));
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => void errors.push(m) };
    const api = client(server.url, {
      logger,
      hooks: {
        onRequest: () => {
          throw new Error("hook broke");
        },
        onResponse: async () => {
          throw new Error("async hook broke");
        },
      },
    });
    await expect(api.get("/x")).resolves.toEqual({ ok: true });
    await new Promise((r) => setTimeout(r, 10));
    expect(errors.some((e) => e.includes("onRequest"))).toBe(true);
    expect(errors.some((e) => e.includes("onResponse"))).toBe(true);
  });
});
