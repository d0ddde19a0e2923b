// The README's cluster section must run as written: its spec (secret from the environment), its shell
// commands with `apikit worker` in the background, its DuckDB query and its code example, against a
// real redis-server and a loopback API shaped like the example's.
import { spawn } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { Cluster, startWorker } from "../../src/index.js";
import { BIN } from "../support/cli.js";
import { clusterTests } from "../support/redis.js";
import { duckQuery } from "../writers/support.js";
import { ordersOf } from "./api.js";
import { clusterFixture } from "./fixture.js";

const README = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
const block = (marker: string, lang: string) => {
  const found = new RegExp(`<!-- ${marker} -->\\s*\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(README)?.[1];
  if (!found) throw new Error(`README has no ${marker} block`);
  return found;
};

describe.skipIf(clusterTests().skip)("README: the cluster section", () => {
  const fx = clusterFixture({});

  it("the spec, the commands and the DuckDB query run as written; the token is sent, never stored in Redis", async () => {
    const spec = block("cluster-spec", "json").replace("https://shop.example.com", fx.api.url);
    writeFileSync(join(fx.dir, "orders.json"), spec);
    const bin = join(fx.dir, "bin");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(bin);
    writeFileSync(join(bin, "apikit"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, "apikit"), 0o755);
    const script = `set -e\n${block("cluster-commands", "bash").replaceAll("redis://127.0.0.1:6379", fx.redis.url)}\nkill %1\nwait\n`;
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn("bash", ["-c", script], {
        cwd: fx.dir,
        env: { PATH: `${bin}:${process.env.PATH}`, SHOP_TOKEN: "shop-token-123" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d));
      child.stderr.on("data", (d: Buffer) => (stderr += d));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/orders-by-store-[0-9a-f]{12} complete: 3\/3 partitions done/);
    expect(run.stdout).toContain("0 failed partitions queued again");
    expect(fx.api.requests.every((r) => r.headers.authorization === "Bearer shop-token-123")).toBe(true);
    const peek = new Redis(fx.redis.url);
    try {
      const keys = await peek.keys("*");
      for (const key of keys) {
        const type = await peek.type(key);
        const dump =
          type === "hash"
            ? JSON.stringify(await peek.hgetall(key))
            : type === "string"
              ? await peek.get(key)
              : "";
        expect(dump ?? "").not.toContain("shop-token-123");
      }
    } finally {
      peek.disconnect();
    }

    const sql = block("cluster-read", "sql").replace("data/orders", join(fx.dir, "data/orders"));
    const rows = await duckQuery(sql.replace(/^--.*$/m, ""));
    const counts = Object.fromEntries(rows.map((r) => [r.partition, Number(r["count_star()"])]));
    // A partition with no orders (s2 here) has a file with no rows, so no group.
    const want = Object.fromEntries(
      ["s1", "s2", "s3"].map((s) => [s, ordersOf(s).length]).filter(([, n]) => (n as number) > 0),
    );
    expect(counts).toEqual(want);
  }, 60_000);

  it("the code example runs", async () => {
    const spec = JSON.parse(
      block("cluster-spec", "json").replace("https://shop.example.com", fx.api.url),
    ) as {
      name: string;
      output: { dir: string };
    };
    spec.name = "from-code";
    spec.output.dir = join(fx.dir, "from-code");
    const code = block("cluster-code", "ts")
      .replace(/^import .*$/m, "")
      .replaceAll("redis://127.0.0.1:6379", fx.redis.url);
    const printed: string[] = [];
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => (...a: unknown[]) => Promise<void>;
    const previous = process.env.SHOP_TOKEN;
    process.env.SHOP_TOKEN = "code-token";
    try {
      await new AsyncFunction("Cluster", "startWorker", "spec", "console", code)(Cluster, startWorker, spec, {
        log: (...args: unknown[]) => printed.push(args.join(" ")),
      });
    } finally {
      if (previous === undefined) delete process.env.SHOP_TOKEN;
      else process.env.SHOP_TOKEN = previous;
    }
    expect(printed).toEqual([`complete ${["s1", "s2", "s3"].flatMap(ordersOf).length}`]);
  }, 60_000);
});
