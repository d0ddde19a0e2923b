// The errors a new user meets first: a client used after close(), a mistyped host, a refused
// connection. Each says what is wrong, and none is retried when retrying cannot help.
import { request as undiciRequest } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ClientClosedError, NetworkError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { createDispatcher, type RetryEvent } from "../../src/http/index.js";
import { FAST_RETRY, json, useLoopback } from "../support/server.js";

const { serve, client, forget } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

describe("a closed client", () => {
  it("refuses a request after close() with ClientClosedError, sending nothing and retrying nothing", async () => {
    const server = await serve((_req, res) => json(res, 200, { ok: true }));
    const retries: RetryEvent[] = [];
    const api = client(server.url, { hooks: { onRetry: (e) => void retries.push(e) } });
    await api.get("/first");
    await api.close();
    const error = (await api.get("/second").catch((e: unknown) => e)) as ClientClosedError;
    expect(error).toBeInstanceOf(ClientClosedError);
    expect(error.code).toBe("CLIENT_CLOSED");
    expect(error.message).toContain(`GET ${server.url}/second failed: this client is closed`);
    expect(error.message).toContain("`await using`");
    expect(retries).toEqual([]);
    expect(server.requests.map((r) => r.url)).toEqual(["/first"]);
  });

  it("explains a promise returned un-awaited from an `await using` block", async () => {
    const server = await serve((_req, res) => json(res, 200, { ok: true }));
    const retries: RetryEvent[] = [];
    async function pull() {
      await using api = new Apikit({
        baseUrl: server.url,
        retry: FAST_RETRY,
        hooks: { onRetry: (e) => void retries.push(e) },
      });
      // The mistake: without `await`, the block ends (and closes the client) before the pull's
      // requests go out. (A lone get() may already be on its way when the block ends.)
      return api.fetchRecords("/x");
    }
    const error = (await pull().catch((e: unknown) => e)) as ClientClosedError;
    expect(error).toBeInstanceOf(ClientClosedError);
    expect(error.message).toContain("this client is closed");
    expect(error.message).toContain("return await");
    expect(retries).toEqual([]);
  });

  it("gives fetch() through its dispatcher the same error as its cause", async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const api = client(server.url);
    await api.close();
    const error = (await globalThis
      .fetch(`${server.url}/x`, { dispatcher: api.dispatcher } as RequestInit)
      .catch((e: unknown) => e)) as Error;
    expect(error.cause).toBeInstanceOf(ClientClosedError);
    expect(server.requests).toHaveLength(0);
  });

  it("lets close() run twice, as an explicit close() inside `await using` does", async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    {
      await using api = new Apikit({ baseUrl: server.url });
      await api.get("/x");
      await api.close();
    }
    expect(server.requests).toHaveLength(1);
  });
});

describe("a mistyped host", () => {
  it("fails at once with a NetworkError naming the host, not retried", async () => {
    // .invalid is reserved (RFC 2606): the resolver answers "no such name" without the network.
    const retries: RetryEvent[] = [];
    const api = client("http://apikit-typo.invalid", { hooks: { onRetry: (e) => void retries.push(e) } });
    const error = (await api.get("/x").catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.errorCode).toBe("ENOTFOUND");
    expect(error.message).toBe(
      'GET http://apikit-typo.invalid/x failed: host "apikit-typo.invalid" not found (ENOTFOUND); check the host name',
    );
    expect(error.attempts).toBe(1);
    expect(retries).toEqual([]);
  });
});

describe("a refused connection", () => {
  it("logs each retry at info with how long it waits, which attempt comes, and why", async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const url = server.url;
    await server.close();
    forget(server);
    const lines: string[] = [];
    const logger = { debug() {}, info: (m: string) => void lines.push(m), warn() {}, error() {} };
    // Full jitter at 0.5 of a 4.2 s first ceiling: a 2.1 s wait, which the test never sits out.
    const dispatcher = createDispatcher({
      retry: { initialDelayMs: 4200 },
      logger,
      random: () => 0.5,
    });
    const controller = new AbortController();
    try {
      const pending = undiciRequest(`${url}/x`, { dispatcher, signal: controller.signal });
      pending.catch(() => undefined);
      for (let i = 0; i < 400 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      controller.abort();
      await expect(pending).rejects.toThrow();
    } finally {
      await dispatcher.close();
    }
    expect(lines).toEqual([
      `retrying in 2.1 s (attempt 2 of 6): connection refused (ECONNREFUSED) — GET ${url}/x`,
    ]);
  });
});
