// `apikit webhook listen` driven as a user would: spawn the built binary, read the URL from stderr,
// send signed and forged deliveries, stop it with a signal, then check the file, stderr and exit code.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { post } from "./support.js";

const BIN = join(import.meta.dirname, "../../dist/cli/main.js");
const SECRET = "cli-webhook-secret";

interface Listener {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? "", ...env } });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** Starts the listener and waits (at most 10 s) for the URL it prints. */
async function listen(args: string[], env: Record<string, string>): Promise<Listener> {
  const started = run(["webhook", "listen", "--port", "0", ...args], env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL on stderr: ${started.stderr()}`)), 10_000);
    const look = () => {
      const match = /listening on (http:\/\/\S+)/.exec(started.stderr());
      if (match) {
        clearTimeout(timer);
        started.child.stderr.off("data", look);
        resolve(match[1]!);
      }
    };
    started.child.stderr.on("data", look);
    started.exited.then(() => reject(new Error(`exited early: ${started.stderr()}`)));
  });
  return { ...started, url };
}

const stderrLines = (listener: { stderr: () => string }) => listener.stderr().trim().split("\n");

describe("apikit webhook listen", () => {
  it("keeps a signed GitHub delivery, rejects a forged one, and exits 0 on SIGTERM", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "apikit-webhook-cli-")), "events.ndjson");
    const listener = await listen(["--provider", "github", "--secret-env", "GH_HOOK_SECRET", "--out", out], {
      GH_HOOK_SECRET: SECRET,
    });
    expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
    const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
    const good = await post(listener.url, body, {
      "x-hub-signature-256": await sign(SECRET, body),
      "x-github-event": "ping",
      "x-github-delivery": "delivery-1",
    });
    const forged = await post(listener.url, body, {
      "x-hub-signature-256": await sign("guess", body),
      "x-github-delivery": "delivery-2",
    });
    expect([good.status, forged.status]).toEqual([200, 401]);
    listener.child.kill("SIGTERM");
    expect(await listener.exited).toBe(0);

    const events = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: "delivery-1",
      provider: "github",
      type: "ping",
      payload: JSON.parse(body),
    });
    const lines = stderrLines(listener);
    expect(lines[0]).toContain(`listening on ${listener.url}`);
    expect(lines).toContain("apikit: event delivery-1 ping");
    expect(lines.some((l) => l.includes("rejected") && l.includes("does not match"))).toBe(true);
    expect(lines.at(-1)).toBe("apikit: stopped on SIGTERM after 1 events");
    expect(listener.stdout()).toBe("");
    expect(listener.stderr()).not.toContain(SECRET);
  });

  it("writes Stripe events to stdout without --out, stays quiet with --quiet, and stops on SIGINT", async () => {
    const listener = await listen(
      [
        "--provider",
        "stripe",
        "--secret-env",
        "STRIPE_WEBHOOK_SECRET",
        "--path",
        "/stripe",
        "--max-events",
        "5",
      ],
      { STRIPE_WEBHOOK_SECRET: "whsec_cli" },
    );
    const payload = JSON.stringify({ id: "evt_cli", object: "event", type: "charge.succeeded" });
    const header = new Stripe("sk_test_x").webhooks.generateTestHeaderString({
      payload,
      secret: "whsec_cli",
    });
    expect((await post(listener.url, payload, { "stripe-signature": header })).status).toBe(200);
    listener.child.kill("SIGINT");
    expect(await listener.exited).toBe(0);
    expect(JSON.parse(listener.stdout())).toMatchObject({ id: "evt_cli", type: "charge.succeeded" });
    expect(stderrLines(listener)).toContain("apikit: event evt_cli charge.succeeded");

    const quiet = await listen(["--quiet", "--provider", "stripe", "--secret-env", "S"], { S: "whsec_q" });
    quiet.child.kill("SIGTERM");
    expect(await quiet.exited).toBe(0);
    expect(stderrLines(quiet)).toHaveLength(1);
  });

  it("loses no acknowledged event when the process is killed outright", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "apikit-webhook-cli-")), "events.ndjson");
    const listener = await listen(
      [
        "--provider",
        "generic",
        "--secret-env",
        "K",
        "--header",
        "X-Sig",
        "--algorithm",
        "sha512",
        "--out",
        out,
      ],
      { K: SECRET },
    );
    const { createHmac } = await import("node:crypto");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const body = JSON.stringify({ n: i, type: "tick" });
      const reply = await post(listener.url, body, {
        "x-sig": createHmac("sha512", SECRET).update(body).digest("hex"),
      });
      expect(reply.status).toBe(200);
      ids.push(reply.body.id!);
    }
    listener.child.kill("SIGKILL");
    await listener.exited;
    const stored = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).id);
    expect(stored).toEqual(ids);
  });

  it("exits 2 naming the variable when the secret's environment variable is missing or empty", async () => {
    const missing = run([
      "webhook",
      "listen",
      "--provider",
      "github",
      "--secret-env",
      "NOPE_SECRET",
      "--port",
      "0",
    ]);
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toContain("NOPE_SECRET");
    expect(missing.stderr()).not.toContain("listening");
    const empty = run(["webhook", "listen", "--provider", "github", "--secret-env", "E", "--port", "0"], {
      E: "",
    });
    expect(await empty.exited).toBe(2);
    expect(empty.stderr()).toContain("--secret-env E");
  });

  it("exits 2 on other usage errors, without echoing a secret passed as the variable name", async () => {
    const env = { S: SECRET };
    const cases = [
      ["--provider", "github"],
      ["--provider", "gitlab", "--secret-env", "S"],
      ["--provider", "generic", "--secret-env", "S"],
      ["--provider", "stripe", "--secret-env", "S", "--header", "X-Sig"],
      ["--provider", "github", "--secret-env", "S", "--port", "99999"],
      ["--provider", "github", "--secret-env", "S", "--path", "webhook"],
    ];
    const codes = await Promise.all(cases.map((args) => run(["webhook", "listen", ...args], env).exited));
    expect(codes).toEqual(cases.map(() => 2));
    const leaked = run(["webhook", "listen", "--provider", "stripe", "--secret-env", "whsec_abc123"]);
    expect(await leaked.exited).toBe(2);
    expect(leaked.stderr()).not.toContain("whsec_abc123");
  });

  it("shows help with an example", async () => {
    const help = run(["webhook", "listen", "--help"]);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toContain("Examples:");
    expect(help.stdout()).toContain("--secret-env");
  });
});
