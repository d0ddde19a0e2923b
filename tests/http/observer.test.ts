// Observer.listen(): hooks that come and go on a client's one Observer (a pull's progress bar hears
// the transport's retries and waits for its duration), cheap when nobody listens: `quiet` stays true
// unless a listener takes the per-request events.
import { fetch as undiciFetch } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import {
  consoleLogger,
  createDispatcher,
  defaultLogger,
  type Logger,
  Observer,
  observerOf,
  type RetryEvent,
  silentLogger,
} from "../../src/http/index.js";
import { json, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const retry: RetryEvent = {
  method: "GET",
  url: "http://127.0.0.1:9/x",
  attempt: 1,
  maxAttempts: 3,
  waitMs: 1,
  reason: "status 503",
  status: 503,
};

/** Answers each path 503 the first time, then 200. */
function flakyServer() {
  const seen = new Set<string>();
  return serve((req, res) => {
    if (seen.has(req.url)) return json(res, 200, { ok: true });
    seen.add(req.url);
    json(res, 503, { error: "busy" });
  });
}

describe("Observer.listen", () => {
  it("hears the transport's retries until it unsubscribes, while the client's hooks go on hearing them", async () => {
    const server = await flakyServer();
    const hooked: string[] = [];
    const api = client(server.url, {
      logger: silentLogger,
      hooks: { onRetry: (e) => void hooked.push(e.url) },
    });
    const heard: string[] = [];
    const off = observerOf(api.dispatcher).listen({ onRetry: (e) => void heard.push(e.url) });
    await api.get("/a");
    off();
    off();
    await api.get("/b");
    expect(heard).toEqual([`${server.url}/a`]);
    expect(hooked).toEqual([`${server.url}/a`, `${server.url}/b`]);
  });

  it("is the Observer the client's pulls report pages to", async () => {
    const server = await serve((req, res) => {
      const page = Number(req.query.get("page") ?? 1);
      json(res, 200, { items: page <= 2 ? [{ id: page }] : [] });
    });
    const api = client(server.url, { logger: silentLogger });
    const pages: number[] = [];
    const off = observerOf(api.dispatcher).listen({ onPage: (e) => void pages.push(e.records) });
    try {
      await api.fetchRecords("/items", { strategy: "page", pageSize: 1, dataPath: "items" });
    } finally {
      off();
    }
    expect(pages).toEqual([1, 1, 0]);
  });

  it("leaves the hot path quiet for listeners of retries, waits and pages; one of requests makes it loud until it leaves", async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const dispatcher = createDispatcher({ concurrency: 2 });
    try {
      const observer = observerOf(dispatcher);
      expect(observer.quiet).toBe(true);
      const offBar = observer.listen({ onRetry() {}, onRateLimit() {}, onPage() {} });
      expect(observer.quiet).toBe(true);
      const requests: string[] = [];
      const statuses: number[] = [];
      const offRequests = observer.listen({
        onRequest: (e) => void requests.push(e.url),
        onResponse: (e) => void statuses.push(e.status),
      });
      expect(observer.quiet).toBe(false);
      await (await undiciFetch(`${server.url}/x`, { dispatcher })).text();
      expect(requests).toEqual([`${server.url}/x`]);
      expect(statuses).toEqual([200]);
      offRequests();
      expect(observer.quiet).toBe(true);
      await (await undiciFetch(`${server.url}/y`, { dispatcher })).text();
      expect(requests).toHaveLength(1);
      offBar();
      expect(observer.quiet).toBe(true);
    } finally {
      await dispatcher.close();
    }
  });

  it("calls the listeners before the client's hooks; a throwing one is logged and the rest still hear", () => {
    const errors: string[] = [];
    const logger: Logger = { ...silentLogger, error: (message) => void errors.push(message) };
    const order: string[] = [];
    const observer = new Observer(logger, { onRetry: () => void order.push("hook") });
    observer.listen({
      onRetry() {
        throw new Error("boom");
      },
    });
    observer.listen({ onRetry: () => void order.push("listener") });
    observer.retry(retry);
    expect(order).toEqual(["listener", "hook"]);
    expect(errors).toEqual(["hook onRetry threw; the request goes on"]);
  });

  it("gives back one promise that waits for every async listener and hook", async () => {
    const done: string[] = [];
    const later = (name: string) => () =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          done.push(name);
          resolve();
        }, 5),
      );
    const observer = new Observer(silentLogger, { onPage: later("hook") });
    observer.listen({ onPage: later("listener") });
    const event = { url: "u", index: 0, status: 200, records: 1, totalRecords: 1, bytes: 2 };
    await observer.call("onPage", event);
    expect(done.sort()).toEqual(["hook", "listener"]);
    expect(new Observer(silentLogger, {}).call("onPage", event)).toBeUndefined();
  });
});

describe("quiet with the default logger", () => {
  it("a logger that writes no debug lines keeps the hot path quiet; debug or a user's logger does not", () => {
    const user: Logger = { debug() {}, info() {}, warn() {}, error() {} };
    expect(new Observer(defaultLogger({})).quiet).toBe(true); // warnings and errors on stderr
    expect(new Observer(consoleLogger("info")).quiet).toBe(true);
    expect(new Observer(silentLogger).quiet).toBe(true);
    expect(new Observer(consoleLogger("debug")).quiet).toBe(false);
    expect(new Observer(defaultLogger({ APIKIT_LOG_LEVEL: "debug" })).quiet).toBe(false);
    expect(new Observer(user).quiet).toBe(false); // it filters for itself
  });
});
