// The cluster in one process: a real redis-server, workers started with startWorker(), a loopback API.
// Submit is idempotent, status counts right, the dataset and manifest are complete, DuckDB and polars
// read it as one table, failed partitions fail the pull visibly and retry() re-runs only them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import {
  Cluster,
  ClusterError,
  ConfigError,
  type Manifest,
  type PullSpecInput,
  startWorker,
} from "../../src/index.js";
import { clusterTests } from "../support/redis.js";
import { duckQuery } from "../writers/support.js";
import { ordersOf, startApi } from "./api.js";
import { clusterFixture } from "./fixture.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe.skipIf(clusterTests().skip)("cluster (one process, real Redis)", () => {
  const fx = clusterFixture({});

  const storeSpec = (name: string, values: string[], extra: Partial<PullSpecInput> = {}): PullSpecInput => ({
    name,
    source: {
      baseUrl: fx.api.url,
      path: "/stores/{value}/orders",
      pagination: { strategy: "offset", pageSize: 10 },
      dataPath: "data",
    },
    partitions: { by: "list", values },
    output: { dir: join(fx.dir, name), format: "parquet" },
    ...extra,
  });

  it("pulls every partition once, writes the manifest last, and DuckDB and polars read the dataset as one table", async () => {
    const stores = Array.from({ length: 12 }, (_, i) => `shop${i}`);
    const cluster = new Cluster({ redis: fx.redis.url });
    const workers = await Promise.all(
      [1, 2].map(() => startWorker({ redis: fx.redis.url, concurrency: 2, logger: quiet })),
    );
    try {
      const id = await cluster.submit(storeSpec("orders", stores));
      expect(id).toMatch(/^orders-[0-9a-f]{12}$/);
      const final = await cluster.wait(id, { intervalMs: 100 });
      expect(final.state).toBe("complete");
      const expected = stores.flatMap(ordersOf);
      expect(final.partitions).toEqual({ total: 12, waiting: 0, running: 0, done: 12, failed: 0 });
      expect(final.records).toBe(expected.length);

      const manifest = JSON.parse(readFileSync(join(fx.dir, "orders", "_manifest.json"), "utf8")) as Manifest;
      expect(manifest.pull).toBe(id);
      expect(manifest.totals.records).toBe(expected.length);
      expect(manifest.partitions.map((p) => p.key).sort()).toEqual([...stores].sort());
      for (const p of manifest.partitions) {
        expect(p.file).toBe(`partition=${p.key}/part-0.parquet`);
        expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(p.records).toBe(ordersOf(p.key).length);
      }

      const glob = join(fx.dir, "orders", "**", "*.parquet");
      const rows = await duckQuery(
        `SELECT id, store, amount, ref, note, customer__name, customer__city, partition FROM read_parquet('${glob}', hive_partitioning = true) ORDER BY id`,
      );
      const want = [...expected].sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(rows.map((r) => r.id)).toEqual(want.map((o) => o.id));
      for (const [i, row] of rows.entries()) {
        const o = want[i]!;
        expect(row).toEqual({
          id: o.id,
          store: o.store,
          amount: o.amount,
          ref: o.ref,
          note: o.note,
          customer__name: o.customer.name,
          customer__city: o.customer.city,
          partition: o.store,
        });
      }
      const frame = pl.scanParquet(glob, { hivePartitioning: true } as never).collectSync();
      expect(frame.height).toBe(expected.length);
      expect(frame.columns).toContain("partition");
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await cluster.close();
    }
  });

  it("submitting the same spec again returns the same id and queues nothing new", async () => {
    const cluster = new Cluster({ redis: fx.redis.url });
    const worker = await startWorker({ redis: fx.redis.url, logger: quiet });
    try {
      const spec = storeSpec("again", ["a1", "a2", "a3"]);
      const id = await cluster.submit(spec);
      await cluster.wait(id, { intervalMs: 100 });
      const before = fx.api.requests.length;
      // Keys in another order: the same spec.
      const reordered = {
        output: spec.output,
        partitions: spec.partitions,
        source: spec.source,
        name: spec.name,
      };
      expect(await cluster.submit(reordered)).toBe(id);
      await new Promise((r) => setTimeout(r, 500));
      expect(fx.api.requests.length).toBe(before);
      expect((await cluster.status(id)).state).toBe("complete");
    } finally {
      await worker.close();
      await cluster.close();
    }
  });

  it("a partition that fails keeps the pull failed with its typed error; retry() re-runs only the failed ones", async () => {
    const cluster = new Cluster({ redis: fx.redis.url });
    // b2's path 404s until the test renames it: a failure the retry then fixes.
    let broken = true;
    const flaky = await startApi();
    const origin = flaky.url;
    const { startServer } = await import("../support/server.js");
    const proxy = await startServer(async (req, res) => {
      if (broken && req.url.startsWith("/stores/b2/")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end('{"error":"no such store"}');
        return;
      }
      const upstream = await fetch(`${origin}${req.url}`);
      res.writeHead(upstream.status, { "content-type": "application/json" });
      res.end(await upstream.text());
    });
    const worker = await startWorker({ redis: fx.redis.url, logger: quiet });
    try {
      const spec = storeSpec("failing", ["b1", "b2", "b3"]);
      (spec.source as Record<string, unknown>).baseUrl = proxy.url;
      const id = await cluster.submit(spec);
      const failed = await cluster.wait(id, { intervalMs: 100 });
      expect(failed.state).toBe("failed");
      expect(failed.partitions).toMatchObject({ total: 3, done: 2, failed: 1 });
      expect(failed.failures).toEqual([
        { partition: "b2", error: expect.objectContaining({ name: "NotFoundError", status: 404 }) },
      ]);
      const b1Requests = proxy.requests.filter((r) => r.url.startsWith("/stores/b1/")).length;

      broken = false;
      expect(await cluster.retry(id)).toBe(1);
      const done = await cluster.wait(id, { intervalMs: 100 });
      expect(done.state).toBe("complete");
      expect(done.records).toBe(["b1", "b2", "b3"].flatMap(ordersOf).length);
      // b1 and b3 were not pulled again.
      expect(proxy.requests.filter((r) => r.url.startsWith("/stores/b1/")).length).toBe(b1Requests);
    } finally {
      await worker.close();
      await cluster.close();
      await proxy.close();
      await flaky.close();
    }
  });

  it("a connector source finds its secret in each worker's environment, and the worker's requests carry it", async () => {
    const cluster = new Cluster({ redis: fx.redis.url });
    const worker = await startWorker({
      redis: fx.redis.url,
      logger: quiet,
      env: { GITHUB_TOKEN: "ghp_worker_env" },
    });
    try {
      const before = fx.api.requests.length;
      const id = await cluster.submit({
        name: "via-connector",
        source: {
          connector: "github",
          baseUrl: fx.api.url,
          path: "/stores/{value}/orders",
          pagination: { strategy: "offset", pageSize: 10 },
          dataPath: "data",
        },
        partitions: { by: "list", values: ["g1", "g2"] },
        output: { dir: join(fx.dir, "via-connector"), format: "ndjson" },
      });
      const final = await cluster.wait(id, { intervalMs: 100 });
      expect(final.state).toBe("complete");
      expect(final.records).toBe(["g1", "g2"].flatMap(ordersOf).length);
      const sent = fx.api.requests.slice(before);
      expect(sent.length).toBeGreaterThan(0);
      for (const r of sent) {
        expect(r.headers.authorization).toBe("Bearer ghp_worker_env");
        expect(r.headers.accept).toContain("application/vnd.github+json");
      }
    } finally {
      await worker.close();
      await cluster.close();
    }
  });

  it("refuses a spec that writes a secret out, and names where", async () => {
    const cluster = new Cluster({ redis: fx.redis.url });
    try {
      const spec = storeSpec("secret", ["s1"]);
      (spec.source as Record<string, unknown>).auth = { type: "bearer", token: "sk_live_abc" };
      const error = await cluster.submit(spec).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain("source.auth.token");
      expect((error as Error).message).not.toContain("sk_live_abc");
    } finally {
      await cluster.close();
    }
  });

  it("says which Redis it could not reach, password hidden", async () => {
    const cluster = new Cluster({ redis: "redis://user:hunter2@127.0.0.1:1" });
    const error = await cluster.status("x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as Error).message).toContain("127.0.0.1:1");
    expect((error as Error).message).not.toContain("hunter2");
    await cluster.close();
  });
});
