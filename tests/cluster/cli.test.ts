// The cluster from the shell: `apikit cluster submit|status|wait|retry` and `apikit worker`, as a user
// runs them (the built CLI), against a real redis-server and a loopback API.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { runApikit } from "../support/cli.js";
import { clusterTests } from "../support/redis.js";
import { ordersOf } from "./api.js";
import { clusterFixture } from "./fixture.js";
import { startWorkerProcess, stopWorkers } from "./workers.js";

describe.skipIf(clusterTests().skip)("apikit cluster and apikit worker (real Redis)", () => {
  const fx = clusterFixture({ latencyMs: 20 });

  const toml = (name: string, values: string[]) =>
    [
      `name = "${name}"`,
      "[source]",
      `baseUrl = "${fx.api.url}"`,
      'path = "/stores/{value}/orders"',
      'dataPath = "data"',
      "[source.pagination]",
      'strategy = "offset"',
      "pageSize = 5",
      "[partitions]",
      'by = "list"',
      `values = [${values.map((v) => `"${v}"`).join(", ")}]`,
      "[output]",
      `dir = "${name}-data"`,
    ].join("\n");

  it("submit prints the id, status --json has the documented shape, wait exits 0 once complete", async () => {
    const specPath = join(fx.dir, "orders.toml");
    writeFileSync(specPath, toml("orders", ["c1", "c2", "c3"]));
    const env = { APIKIT_REDIS_URL: fx.redis.url };
    const submitted = await runApikit(["cluster", "submit", specPath], { env });
    expect(submitted.stderr).toBe("");
    expect(submitted.code).toBe(0);
    const id = submitted.stdout.trim();
    expect(id).toMatch(/^orders-[0-9a-f]{12}$/);
    // The same spec again: the same id.
    expect((await runApikit(["cluster", "submit", specPath, "--redis", fx.redis.url])).stdout.trim()).toBe(
      id,
    );

    const waiting = await runApikit(["cluster", "status", id, "--json"], { env });
    expect(JSON.parse(waiting.stdout)).toMatchObject({
      id,
      name: "orders",
      state: "waiting",
      partitions: { total: 3, waiting: 3, running: 0, done: 0, failed: 0 },
      records: 0,
      retries: 0,
      failures: [],
    });

    const worker = await startWorkerProcess(fx.redis.url);
    try {
      const waited = await runApikit(["cluster", "wait", id], { env });
      expect(waited.code).toBe(0);
      expect(waited.stdout).toContain(`${id} complete: 3/3 partitions done`);
      const status = JSON.parse((await runApikit(["cluster", "status", id, "--json"], { env })).stdout);
      expect(status.state).toBe("complete");
      expect(status.records).toBe(["c1", "c2", "c3"].flatMap(ordersOf).length);
      expect(status.output.manifest).toBe(join(fx.dir, "orders-data", "_manifest.json"));
    } finally {
      await stopWorkers([worker]);
    }
    expect(worker.child.exitCode).toBe(0);
  }, 60_000);

  it("wait exits 1 for a failed pull, and retry says how many partitions it queued again", async () => {
    const specPath = join(fx.dir, "missing.json");
    writeFileSync(
      specPath,
      JSON.stringify({
        name: "missing",
        source: { baseUrl: fx.api.url, path: "/nowhere/{value}", dataPath: "data" },
        partitions: { by: "list", values: ["m1", "m2"] },
        output: { dir: join(fx.dir, "missing-data") },
      }),
    );
    const env = { APIKIT_REDIS_URL: fx.redis.url };
    const id = (await runApikit(["cluster", "submit", specPath], { env })).stdout.trim();
    const worker = await startWorkerProcess(fx.redis.url);
    try {
      const waited = await runApikit(["cluster", "wait", id], { env });
      expect(waited.code).toBe(1);
      expect(waited.stdout).toContain("failed: 0/2 partitions done");
      expect(waited.stdout).toMatch(/partition m1: NotFoundError: .*404/);
      const retried = await runApikit(["cluster", "retry", id], { env });
      expect(retried.stdout).toBe("2 failed partitions queued again\n");
    } finally {
      await stopWorkers([worker]);
    }
  }, 60_000);

  it("names what is wrong: a spec with a typo (exit 2), an unknown pull id, an unreachable Redis", async () => {
    const bad = join(fx.dir, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        name: "x",
        source: { baseUrl: fx.api.url, path: "/x/{value}" },
        partitions: { by: "lst" },
        output: { dir: "o" },
      }),
    );
    const typo = await runApikit(["cluster", "submit", bad, "--redis", fx.redis.url]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("partitions.by");
    const unknown = await runApikit(["cluster", "status", "nope-123", "--redis", fx.redis.url]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No pull with id "nope-123"');
    const down = await runApikit(["cluster", "status", "x", "--redis", "redis://:pw@127.0.0.1:1"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("Cannot reach Redis at redis://:***@127.0.0.1:1");
    expect(down.stderr).not.toContain("pw@");
  });

  it("a worker told SIGTERM mid-partition saves its checkpoint, exits 0, and another finishes the partition", async () => {
    const specPath = join(fx.dir, "term.toml");
    writeFileSync(specPath, toml("term", ["store-13", "store-7"]));
    const env = { APIKIT_REDIS_URL: fx.redis.url };
    const id = (await runApikit(["cluster", "submit", specPath], { env })).stdout.trim();
    const first = await startWorkerProcess(fx.redis.url, { concurrency: 2 });
    const peek = new Redis(fx.redis.url);
    try {
      let saved: string | null = null;
      for (let i = 0; i < 500 && !saved; i++) {
        const keys = await peek.keys(`apikit:pull:${id}:checkpoint:*`);
        saved = keys[0] ?? null;
        if (!saved) await new Promise((r) => setTimeout(r, 10));
      }
      expect(saved).not.toBeNull();
      first.child.kill("SIGTERM");
      const exit = await first.exited;
      expect(exit.code).toBe(0);
      expect(first.log()).toContain("SIGTERM");
      const status = JSON.parse((await runApikit(["cluster", "status", id, "--json"], { env })).stdout);
      expect(status.partitions.failed).toBe(0);
      expect(status.state).not.toBe("complete");
      // Its checkpoint is still there for the next worker.
      expect(await peek.exists(saved!)).toBe(1);

      const second = await startWorkerProcess(fx.redis.url);
      try {
        expect((await runApikit(["cluster", "wait", id], { env })).code).toBe(0);
      } finally {
        await stopWorkers([second]);
      }
      const done = JSON.parse((await runApikit(["cluster", "status", id, "--json"], { env })).stdout);
      expect(done.records).toBe(["store-13", "store-7"].flatMap(ordersOf).length);
      expect(done.retries).toBe(0);
    } finally {
      peek.disconnect();
      await stopWorkers([first]);
    }
  }, 60_000);
});
