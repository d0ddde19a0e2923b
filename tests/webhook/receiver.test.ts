// WebhookReceiver over real HTTP: status codes, the bounded history, iteration and polars.
import { request as httpRequest } from "node:http";
import { networkInterfaces } from "node:os";
import { inspect } from "node:util";
import { sign } from "@octokit/webhooks-methods";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import type { Logger } from "../../src/http/index.js";
import { GitHubWebhookValidator, type WebhookEvent, WebhookReceiver } from "../../src/webhook/index.js";
import { post, useReceivers } from "./support.js";

const SECRET = "receiver-secret";
const listen = useReceivers(afterEach);
const github = () => new GitHubWebhookValidator(SECRET);

async function deliver(url: string, n: number, body = JSON.stringify({ action: "opened", number: n })) {
  return post(url, body, {
    "x-hub-signature-256": await sign(SECRET, body),
    "x-github-event": "issues",
    "x-github-delivery": `d-${n}`,
  });
}

/** Sends `bytes` without ever ending the request, and resolves with the status the server answers. */
function sendUnended(url: string, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json" } });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    // The server closes the connection while we may still be writing: only the answer matters.
    req.on("error", () => {});
    req.write(Buffer.alloc(bytes, 0x20));
    setTimeout(() => reject(new Error("no answer while the body was still coming")), 5_000).unref();
  });
}

describe("WebhookReceiver responses", () => {
  it("answers 400 to a validly signed body that is not JSON, and keeps nothing", async () => {
    const { receiver, url } = await listen({ validator: github() });
    const reply = await deliver(url, 1, "{not json");
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/not valid JSON/);
    expect(receiver.eventCount).toBe(0);
  });

  it("answers 413 to an announced oversized body without reading it, and keeps serving", async () => {
    const { receiver, url } = await listen({ validator: github(), maxBodyBytes: 1024 });
    const big = JSON.stringify({ blob: "x".repeat(4 * 1024 * 1024) });
    const reply = await post(url, big, { "x-hub-signature-256": await sign(SECRET, big) });
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe("close");
    expect((await deliver(url, 1)).status).toBe(200);
    expect(receiver.events.map((e) => e.id)).toEqual(["d-1"]);
  });

  it("answers 413 as soon as a streamed body passes the limit, before the sender finishes", async () => {
    const { receiver, url } = await listen({ validator: github(), maxBodyBytes: 64 * 1024 });
    expect(await sendUnended(url, 256 * 1024)).toBe(413);
    expect(receiver.eventCount).toBe(0);
  });

  it("answers 404 on other paths and 405 with Allow: POST on other methods", async () => {
    const { url } = await listen({ validator: github(), path: "/hooks/in" });
    expect(url).toMatch(/\/hooks\/in$/);
    const elsewhere = await post(url.replace("/hooks/in", "/other"), "{}");
    expect(elsewhere.status).toBe(404);
    const get = await post(url, "", {}, "GET");
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe("POST");
    const put = await post(url, "{}", {}, "PUT");
    expect(put.status).toBe(405);
    expect((await deliver(`${url}?source=test`, 7)).status).toBe(200);
  });

  it("binds 127.0.0.1 by default and is not reachable on other interfaces", async () => {
    const { receiver, url } = await listen({ validator: github() });
    expect(receiver.host).toBe("127.0.0.1");
    expect(receiver.address).toMatchObject({ address: "127.0.0.1", family: "IPv4" });
    expect(url).toBe(`http://127.0.0.1:${receiver.address!.port}/webhook`);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal);
    const target = external?.address ?? "127.0.0.2";
    await expect(deliver(url.replace("127.0.0.1", target), 1)).rejects.toThrow();
    expect(receiver.eventCount).toBe(0);
  });

  it("returns the same URL from a second start(), and refuses connections once stopped", async () => {
    const { receiver, url } = await listen({ validator: github() });
    expect(await Promise.all([receiver.start(), receiver.start()])).toEqual([url, url]);
    await Promise.all([receiver.stop(), receiver.stop()]);
    await receiver.stop();
    expect(receiver.url).toBeUndefined();
    expect(receiver.address).toBeUndefined();
    await expect(deliver(url, 1)).rejects.toThrow(/ECONNREFUSED|connect/);
  });

  it("acknowledges concurrent deliveries, each once", async () => {
    const { receiver, url } = await listen({ validator: github() });
    const replies = await Promise.all(Array.from({ length: 25 }, (_, i) => deliver(url, i)));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(receiver.events.map((e) => e.id).sort()).toEqual(replies.map((r) => r.body.id).sort());
    expect(new Set(receiver.events.map((e) => e.id)).size).toBe(25);
  });

  it("rejects invalid options with a ConfigError", () => {
    expect(() => new WebhookReceiver({ validator: github(), path: "webhook" })).toThrow(ConfigError);
    expect(() => new WebhookReceiver({ validator: github(), maxEvents: 0 })).toThrow(/maxEvents/);
    expect(() => new WebhookReceiver({ validator: github(), port: 70_000 })).toThrow(/port/);
    expect(() => new WebhookReceiver({} as never)).toThrow(/validator/);
  });
});

describe("WebhookReceiver history", () => {
  it("keeps the newest maxEvents events, oldest first, and counts every accepted one", async () => {
    const { receiver, url } = await listen({ validator: github(), maxEvents: 3 });
    for (let n = 1; n <= 5; n++) expect((await deliver(url, n)).status).toBe(200);
    expect(receiver.events.map((e) => e.id)).toEqual(["d-3", "d-4", "d-5"]);
    expect(receiver.eventCount).toBe(5);
    receiver.clear();
    expect(receiver.events).toEqual([]);
    expect(receiver.eventCount).toBe(5);
    await deliver(url, 6);
    expect(receiver.events.map((e) => e.id)).toEqual(["d-6"]);
  });

  it("converts the events to a polars DataFrame with flattened columns", async () => {
    const { receiver, url } = await listen({ validator: github() });
    await deliver(url, 1);
    await deliver(url, 2);
    const df = await receiver.toPolars();
    expect(df.height).toBe(2);
    expect(df.columns).toEqual(
      expect.arrayContaining([
        "id",
        "provider",
        "receivedAt",
        "type",
        "headers__x-github-event",
        "payload__action",
        "payload__number",
      ]),
    );
    expect(df.getColumn("id").toArray()).toEqual(["d-1", "d-2"]);
    expect(df.getColumn("payload__number").toArray()).toEqual([1, 2]);
    expect(df.columns.some((c) => c.includes("signature"))).toBe(false);
  });

  it("logs nothing secret, and the validator does not show its secret", async () => {
    const lines: string[] = [];
    const capture = (level: string) => (message: string, meta?: Record<string, unknown>) =>
      lines.push(`${level} ${message} ${inspect(meta, { depth: 5 })}`);
    const logger: Logger = {
      debug: capture("debug"),
      info: capture("info"),
      warn: capture("warn"),
      error: capture("error"),
    };
    const validator = github();
    const { url } = await listen({ validator, logger });
    const body = JSON.stringify({ secret_payload_marker: true });
    const signature = await sign(SECRET, body);
    await post(url, body, { "x-hub-signature-256": signature });
    await post(url, body, { "x-hub-signature-256": await sign("wrong", body) });
    await deliver(url, 1, "{oops");
    const all = lines.join("\n");
    expect(lines.some((l) => l.startsWith("warn webhook rejected"))).toBe(true);
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(signature.slice(7));
    expect(all).not.toContain("secret_payload_marker");
    expect(JSON.stringify(validator) + inspect(validator, { showHidden: true })).not.toContain(SECRET);
  });
});

describe("WebhookReceiver iteration", () => {
  it("yields events as they arrive and ends when stop() is called", async () => {
    const { receiver, url } = await listen({ validator: github() });
    const seen: WebhookEvent[] = [];
    const consumed = (async () => {
      for await (const event of receiver) seen.push(event);
    })();
    for (let n = 1; n <= 3; n++) await deliver(url, n);
    await receiver.stop();
    await consumed;
    expect(seen.map((e) => e.id)).toEqual(["d-1", "d-2", "d-3"]);
    expect(seen).toEqual(receiver.events);
  });

  it("buffers at most maxEvents for a slow consumer, dropping the oldest", async () => {
    const { receiver, url } = await listen({ validator: github(), maxEvents: 2 });
    const iterator = receiver[Symbol.asyncIterator]();
    for (let n = 1; n <= 5; n++) await deliver(url, n);
    await receiver.stop();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const next = await iterator.next();
      if (next.done) break;
      ids.push(next.value.id);
    }
    expect(ids).toEqual(["d-4", "d-5"]);
  });

  it("lets a consumer break out, and ends at once for an iterator started after stop()", async () => {
    const { receiver, url } = await listen({ validator: github() });
    const first = (async () => {
      for await (const event of receiver) return event.id;
    })();
    await deliver(url, 1);
    expect(await first).toBe("d-1");
    await deliver(url, 2);
    await receiver.stop();
    const after = await receiver[Symbol.asyncIterator]().next();
    expect(after.done).toBe(true);
  });
});
