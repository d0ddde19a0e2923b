// client.dispatcher behind every fetch a user may hold: Node's global fetch (its bundled undici speaks
// the older handler contract), undici's own fetch and undici.request, against loopback servers.
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { type Dispatcher, fetch as undiciFetch, request as undiciRequest } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import type { RateLimitEvent, RetryEvent } from "../../src/http/index.js";
import { json, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

interface Call {
  method?: string;
  headers?: Record<string, string>;
  /** A body that can only be read once. */
  stream?: string[];
  signal?: AbortSignal;
}
interface Answer {
  status: number;
  body: AsyncIterable<Uint8Array>;
}

function webStream(parts: string[]): ReadableStream<Uint8Array> {
  return Readable.toWeb(Readable.from(parts.map((p) => Buffer.from(p)))) as ReadableStream<Uint8Array>;
}

type FetchLike = (url: string, init: Record<string, unknown>) => Promise<Response>;

function viaFetch(fetchImpl: FetchLike) {
  return async (url: string, dispatcher: Dispatcher, call: Call = {}): Promise<Answer> => {
    const init: Record<string, unknown> = {
      dispatcher,
      method: call.method ?? "GET",
      headers: call.headers ?? {},
      signal: call.signal,
    };
    if (call.stream) Object.assign(init, { body: webStream(call.stream), duplex: "half" });
    const response = await fetchImpl(url, init);
    return { status: response.status, body: response.body ?? Readable.from([]) };
  };
}

const implementations = [
  // Node 24's fetch is undici 7 (Node 22's, undici 6): it dispatches with onConnect/onHeaders/onData.
  { name: "Node's global fetch", send: viaFetch(globalThis.fetch as unknown as FetchLike) },
  { name: "undici.fetch", send: viaFetch(undiciFetch as unknown as FetchLike) },
  {
    name: "undici.request",
    send: async (url: string, dispatcher: Dispatcher, call: Call = {}): Promise<Answer> => {
      const response = await undiciRequest(url, {
        dispatcher,
        method: (call.method ?? "GET") as Dispatcher.HttpMethod,
        headers: call.headers ?? {},
        body: call.stream ? Readable.from(call.stream.map((p) => Buffer.from(p))) : null,
        signal: call.signal,
      });
      return { status: response.statusCode, body: response.body };
    },
  },
];

async function text(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

describe.each(implementations)("client.dispatcher with $name", ({ send }) => {
  it("retries a 503 and returns the 200 that follows, body intact", async () => {
    let n = 0;
    const server = await serve((_req, res) => (++n === 1 ? json(res, 503, {}) : json(res, 200, { ok: n })));
    const retries: RetryEvent[] = [];
    const api = client(server.url, { hooks: { onRetry: (e) => void retries.push(e) } });
    const answer = await send(`${server.url}/x`, api.dispatcher);
    expect(answer.status).toBe(200);
    expect(JSON.parse(await text(answer.body))).toEqual({ ok: 2 });
    expect(server.requests).toHaveLength(2);
    expect(retries.map((r) => r.status)).toEqual([503]);
  });

  it("adds the bearer token to the client's own origin only", async () => {
    const home = await serve((_req, res) => json(res, 200, {}));
    const other = await serve((_req, res) => json(res, 200, {}));
    const api = client(home.url, { token: "only-for-home" });
    await text((await send(`${home.url}/x`, api.dispatcher, { headers: { "x-trace": "1" } })).body);
    await text((await send(`${other.url}/x`, api.dispatcher)).body);
    expect(home.requests[0]?.headers.authorization).toBe("Bearer only-for-home");
    expect(home.requests[0]?.headers["x-trace"]).toBe("1");
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("holds a request for the client-side rate limit", async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const holds: RateLimitEvent[] = [];
    // 4 per second: the second request comes well inside the 250 ms, even on a busy machine.
    const api = client(server.url, {
      rateLimit: { requestsPerSecond: 4, burst: 1 },
      hooks: { onRateLimit: (e) => void holds.push(e) },
    });
    for (const path of ["/a", "/b"]) {
      const answer = await send(`${server.url}${path}`, api.dispatcher);
      expect(answer.status).toBe(200);
      await text(answer.body);
    }
    expect(server.requests).toHaveLength(2);
    expect(holds).toHaveLength(1);
    expect(holds[0]?.reason).toBe("client-side rateLimit");
  });

  it("waits out a 429's Retry-After, then returns the answer", async () => {
    let n = 0;
    const server = await serve((_req, res) =>
      ++n === 1 ? json(res, 429, {}, { "retry-after": "0.2" }) : json(res, 200, { ok: true }),
    );
    const retries: RetryEvent[] = [];
    const api = client(server.url, { hooks: { onRetry: (e) => void retries.push(e) } });
    const answer = await send(`${server.url}/x`, api.dispatcher);
    expect(answer.status).toBe(200);
    expect(JSON.parse(await text(answer.body))).toEqual({ ok: true });
    expect(retries.map((r) => [r.status, r.waitMs])).toEqual([[429, 200]]);
  });

  it("stops on the caller's AbortSignal while it waits to retry", async () => {
    const server = await serve((_req, res) => json(res, 503, {}, { "retry-after": "30" }));
    const api = client(server.url);
    const controller = new AbortController();
    const pending = send(`${server.url}/x`, api.dispatcher, { signal: controller.signal });
    while (server.requests.length === 0) await sleep(5);
    controller.abort(new Error("user cancelled"));
    await expect(pending).rejects.toThrow();
    expect(server.requests).toHaveLength(1);
  });

  it("sends a streamed body once, never retried, and hands back the 503 instead of hanging", async () => {
    const server = await serve((_req, res) => json(res, 503, { busy: true }));
    const api = client(server.url, { headers: { "idempotency-key": "k1" } });
    const answer = await send(`${server.url}/upload`, api.dispatcher, {
      method: "PUT",
      stream: ["first,", "second"],
    });
    expect(answer.status).toBe(503);
    expect(JSON.parse(await text(answer.body))).toEqual({ busy: true });
    expect(server.requests.map((r) => r.body)).toEqual(["first,second"]);
  });

  it("streams a 32 MB body intact, pausing the server while the reader holds back", async () => {
    const payload = randomBytes(32 * 1024 * 1024);
    const sent = { bytes: 0, finished: false };
    const server = await serve(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": payload.length });
      for (let at = 0; at < payload.length; at += 64 * 1024) {
        const chunk = payload.subarray(at, at + 64 * 1024);
        sent.bytes += chunk.length;
        if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
      }
      res.end(() => {
        sent.finished = true;
      });
    });
    const api = client(server.url);
    const answer = await send(`${server.url}/big`, api.dispatcher);
    const iterator = answer.body[Symbol.asyncIterator]();
    const hash = createHash("sha256");
    const first = await iterator.next();
    hash.update(first.value as Uint8Array);
    // Hold back until the server stalls: without back-pressure the client would swallow it all.
    let still = 0;
    let last = -1;
    for (let poll = 0; poll < 200 && still < 4 && !sent.finished; poll++) {
      await sleep(25);
      still = sent.bytes === last ? still + 1 : 0;
      last = sent.bytes;
    }
    expect(sent.finished).toBe(false);
    expect(sent.bytes).toBeLessThan(payload.length);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) hash.update(next.value);
    expect(hash.digest("hex")).toBe(createHash("sha256").update(payload).digest("hex"));
  });
});

describe("request headers in undici's other shapes", () => {
  it("keeps headers given as a flat array or a Map, adds the token, and honours an Idempotency-Key", async () => {
    let n = 0;
    const server = await serve((_req, res) => (++n === 1 ? json(res, 503, {}) : json(res, 200, {})));
    const api = client(server.url, { token: "t0k" });
    const flat = await undiciRequest(`${server.url}/flat`, {
      dispatcher: api.dispatcher,
      method: "POST",
      body: "{}",
      headers: ["x-trace", "flat", "idempotency-key", "k1"],
    });
    await flat.body.text();
    const map = await undiciRequest(`${server.url}/map`, {
      dispatcher: api.dispatcher,
      headers: new Map([["x-trace", "map"]]),
    });
    await map.body.text();
    expect(flat.statusCode).toBe(200);
    // The POST was retried on its 503 because the key came through the flat array.
    expect(server.requests.map((r) => [r.url, r.headers["x-trace"], r.headers.authorization])).toEqual([
      ["/flat", "flat", "Bearer t0k"],
      ["/flat", "flat", "Bearer t0k"],
      ["/map", "map", "Bearer t0k"],
    ]);
  });
});
