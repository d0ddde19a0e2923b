// The client-wide concurrency budget lives in the transport: fetch() and undici.request through
// client.dispatcher share it with the client's own pulls, a 429 halves it for all of them, an aborted
// request waiting for a slot gives it back, and an OAuth2 token request never waits behind the
// request that needs it.
import { OAuth2Server } from "oauth2-mock-server";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { createDispatcher } from "../../src/http/index.js";
import { json, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the concurrency budget in the transport", () => {
  it("fetch() and undici.request with client.dispatcher never exceed the client's concurrency", async () => {
    const server = await serve(async (_req, res) => {
      await sleep(20);
      json(res, 200, { ok: true });
    });
    const api = client(server.url, { concurrency: 2 });
    const viaFetch = Array.from({ length: 5 }, () =>
      fetch(`${server.url}/a`, { dispatcher: api.dispatcher } as RequestInit).then((r) => r.json()),
    );
    const viaRequest = Array.from({ length: 5 }, () =>
      request(`${server.url}/b`, { dispatcher: api.dispatcher }).then((r) => r.body.json()),
    );
    const viaClient = Array.from({ length: 5 }, () => api.get("/c"));
    const answers = await Promise.all([...viaFetch, ...viaRequest, ...viaClient]);
    expect(answers).toHaveLength(15);
    expect(server.requests).toHaveLength(15);
    expect(server.maxInFlight).toBe(2);
    expect(api.concurrency.active).toBe(0);
  });

  it("createDispatcher({ concurrency }) gives a dispatcher of its own a budget; without it there is none", async () => {
    const server = await serve(async (_req, res) => {
      await sleep(20);
      json(res, 200, { ok: true });
    });
    const hammer = async (dispatcher: import("undici").Dispatcher) => {
      await Promise.all(
        Array.from({ length: 6 }, () =>
          request(`${server.url}/x`, { dispatcher }).then((r) => r.body.dump()),
        ),
      );
    };
    const budgeted = createDispatcher({ concurrency: 2 });
    await hammer(budgeted);
    expect(server.maxInFlight).toBe(2);
    expect(budgeted.limiter?.active).toBe(0);
    await budgeted.close();
    const open = createDispatcher();
    expect(open.limiter).toBeUndefined();
    await hammer(open);
    expect(server.maxInFlight).toBe(6);
    await open.close();
  });

  it("a 429 seen by fetch() halves the budget the client's own calls then get", async () => {
    let first = true;
    const server = await serve((_req, res) => {
      if (first) {
        first = false;
        return json(res, 429, { error: "slow down" }, { "retry-after": "0" });
      }
      json(res, 200, { ok: true });
    });
    const api = client(server.url, { concurrency: 8 });
    const response = await fetch(`${server.url}/a`, { dispatcher: api.dispatcher } as RequestInit);
    expect(response.status).toBe(200);
    expect(api.concurrency.limit).toBe(4);
  });

  it("a request aborted while it waits for a slot gives it back and is never sent", async () => {
    const server = await serve(async (_req, res) => {
      await sleep(50);
      json(res, 200, { ok: true });
    });
    const api = client(server.url, { concurrency: 1 });
    const holding = api.get("/first");
    const controller = new AbortController();
    const waiting = api.get("/aborted", { signal: controller.signal });
    controller.abort(new Error("changed my mind"));
    await expect(waiting).rejects.toThrow("changed my mind");
    await holding;
    expect(await api.get("/after")).toEqual({ ok: true });
    expect(server.requests.map((r) => r.url.split("?")[0])).toEqual(["/first", "/after"]);
    expect(api.concurrency.active).toBe(0);
  });

  it("with a budget of one, the OAuth2 token request does not wait behind the request that needs it", async () => {
    const issuer = new OAuth2Server();
    await issuer.issuer.keys.generate("RS256");
    await issuer.start(0, "127.0.0.1");
    try {
      const server = await serve((_req, res) => json(res, 200, { ok: true }));
      const api = client(server.url, {
        concurrency: 1,
        auth: {
          type: "oauth2",
          clientId: "id",
          clientSecret: "secret",
          tokenUrl: `${issuer.issuer.url}/token`,
        },
      });
      const answers = await Promise.all([api.get("/a"), api.get("/b")]);
      expect(answers).toEqual([{ ok: true }, { ok: true }]);
      expect(server.requests[0]!.headers.authorization).toMatch(/^Bearer /);
    } finally {
      await issuer.stop();
    }
  });
});
