// GitHub deliveries signed by @octokit/webhooks-methods, sent over real HTTP.
import { sign } from "@octokit/webhooks-methods";
import { afterEach, describe, expect, it } from "vitest";
import { GitHubWebhookValidator } from "../../src/webhook/index.js";
import { post, useReceivers } from "./support.js";

const SECRET = "It's a Secret to Everybody";
const listen = useReceivers(afterEach);
const PUSH = JSON.stringify({
  ref: "refs/heads/main",
  repository: { id: 1, name: "apikit" },
  sender: { login: "o" },
});

function githubHeaders(signature: string, delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958") {
  return {
    "x-hub-signature-256": signature,
    "x-github-event": "push",
    "x-github-delivery": delivery,
    "x-github-hook-id": "292430182",
    "user-agent": "GitHub-Hookshot/044aadd",
  };
}

describe("GitHubWebhookValidator over HTTP", () => {
  it("accepts a delivery signed by @octokit/webhooks-methods, with GitHub's delivery id and event", async () => {
    const { receiver, url } = await listen({ validator: new GitHubWebhookValidator(SECRET) });
    const reply = await post(url, PUSH, githubHeaders(await sign(SECRET, PUSH)));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ received: true, id: "72d3162e-cc78-11e3-81ab-4c9367dc0958" });
    expect(receiver.events).toEqual([
      {
        id: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        provider: "github",
        receivedAt: expect.any(String),
        type: "push",
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/044aadd",
          "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
          "x-github-event": "push",
          "x-github-hook-id": "292430182",
        },
        payload: JSON.parse(PUSH),
      },
    ]);
  });

  it("never keeps the signature headers, nor anything that looks like a credential", async () => {
    const { receiver, url } = await listen({ validator: new GitHubWebhookValidator(SECRET) });
    const reply = await post(url, PUSH, {
      ...githubHeaders(await sign(SECRET, PUSH)),
      "x-hub-signature": "sha1=0000",
      authorization: "Bearer abc",
      "x-api-key": "k",
      cookie: "a=b",
    });
    expect(reply.status).toBe(200);
    const names = Object.keys(receiver.events[0]!.headers);
    expect(names).not.toContain("x-hub-signature-256");
    expect(names).not.toContain("x-hub-signature");
    expect(names).not.toContain("authorization");
    expect(names).not.toContain("x-api-key");
    expect(names).not.toContain("cookie");
  });

  it("rejects a wrong secret, a tampered body, a missing or malformed header with 401", async () => {
    const { receiver, url } = await listen({ validator: new GitHubWebhookValidator(SECRET) });
    const good = await sign(SECRET, PUSH);
    const wrong = await post(url, PUSH, githubHeaders(await sign("not the secret", PUSH)));
    const tampered = await post(url, PUSH.replace("main", "evil"), githubHeaders(good));
    const { "x-hub-signature-256": _, ...unsigned } = githubHeaders(good);
    const missing = await post(url, PUSH, unsigned);
    const malformed = await post(url, PUSH, githubHeaders(good.replace("sha256=", "sha1=")));
    const truncated = await post(url, PUSH, githubHeaders(good.slice(0, -2)));
    expect([wrong, tampered, missing, malformed, truncated].map((r) => r.status)).toEqual([
      401, 401, 401, 401, 401,
    ]);
    expect(wrong.body.reason).toBe("X-Hub-Signature-256 does not match the payload");
    expect(missing.body.reason).toBe("missing X-Hub-Signature-256 header");
    expect(malformed.body.reason).toBe("X-Hub-Signature-256 is not sha256=<hex>");
    expect(receiver.eventCount).toBe(0);
  });

  it("generates an id when X-GitHub-Delivery is absent", async () => {
    const { receiver, url } = await listen({ validator: new GitHubWebhookValidator(SECRET) });
    const reply = await post(url, PUSH, { "x-hub-signature-256": await sign(SECRET, PUSH) });
    expect(reply.status).toBe(200);
    expect(reply.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(receiver.events[0]).toMatchObject({ id: reply.body.id, type: null });
  });
});
