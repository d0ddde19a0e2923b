// The NDJSON output file: exactly the acknowledged events, each on disk before its 200, appended
// across restarts, private to its owner.
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import { afterEach, describe, expect, it } from "vitest";
import { OutputError } from "../../src/errors.js";
import { GitHubWebhookValidator, type WebhookEvent, WebhookReceiver } from "../../src/webhook/index.js";
import { post, useReceivers } from "./support.js";

const SECRET = "file-secret";
const listen = useReceivers(afterEach);
const validator = () => new GitHubWebhookValidator(SECRET);

async function signed(url: string, delivery: string, body = JSON.stringify({ delivery })) {
  return post(url, body, {
    "x-hub-signature-256": await sign(SECRET, body),
    "x-github-event": "ping",
    "x-github-delivery": delivery,
  });
}

const readEvents = (file: string): WebhookEvent[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as WebhookEvent);

async function tempFile(name = "events.ndjson"): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "apikit-webhook-")), name);
}

describe("WebhookReceiver outputFile", () => {
  it("holds exactly the acknowledged events, each written before its 200", async () => {
    const file = await tempFile();
    const { receiver, url } = await listen({ validator: validator(), outputFile: file, maxBodyBytes: 2048 });
    const acknowledged: string[] = [];
    const outcomes: number[] = [];
    const steps = [
      () => signed(url, "a"),
      () => post(url, JSON.stringify({ delivery: "forged" }), { "x-hub-signature-256": "sha256=00" }),
      () => signed(url, "b"),
      () => signed(url, "not-json", "{nope"),
      () => signed(url, "huge", JSON.stringify({ blob: "x".repeat(10_000) })),
      () => signed(url.replace("/webhook", "/elsewhere"), "lost"),
      () => signed(url, "c"),
    ];
    for (const step of steps) {
      const reply = await step();
      outcomes.push(reply.status);
      if (reply.status === 200) {
        acknowledged.push(reply.body.id!);
        // Already in the file when the sender hears back.
        expect(readEvents(file).map((e) => e.id)).toEqual(acknowledged);
      }
    }
    expect(outcomes).toEqual([200, 401, 200, 400, 413, 404, 200]);
    await receiver.stop();
    const stored = readEvents(file);
    expect(stored.map((e) => e.id)).toEqual(["a", "b", "c"]);
    expect(stored).toEqual(receiver.events);
    expect(stored[0]).toMatchObject({ provider: "github", type: "ping", payload: { delivery: "a" } });
    expect(readFileSync(file, "utf8")).not.toContain("x-hub-signature");
  });

  it("appends across restarts and creates the file readable by its owner only", async () => {
    const file = await tempFile();
    const { receiver, url } = await listen({ validator: validator(), outputFile: file });
    await signed(url, "first");
    await receiver.stop();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await receiver.start();
    await signed(again, "second");
    await receiver.stop();
    expect(readEvents(file).map((e) => e.id)).toEqual(["first", "second"]);
    expect(receiver.eventCount).toBe(2);
  });

  it("fails to start with an OutputError when the file cannot be opened, and does not listen", async () => {
    const file = join(await tempFile(), "missing-dir", "events.ndjson");
    const receiver = new WebhookReceiver({ validator: validator(), outputFile: file });
    await expect(receiver.start()).rejects.toThrow(OutputError);
    expect(receiver.url).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });
});
