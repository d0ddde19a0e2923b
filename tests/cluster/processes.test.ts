// The cluster as it runs for real: `apikit worker` processes on a real redis-server, a loopback API.
// Three workers pull 40 list partitions and 30 daily windows into a dataset equal, record for record,
// to single-process pulls; a worker SIGKILLed mid-partition loses nothing and duplicates nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { Apikit, Cluster, type Manifest, type PullSpecInput } from "../../src/index.js";
import { clusterTests } from "../support/redis.js";
import { duckQuery } from "../writers/support.js";
import { ordersOf, startApi } from "./api.js";
import { clusterFixture } from "./fixture.js";
import { startWorkerProcess, stopWorkers, type WorkerProcess } from "./workers.js";

const ORDER_COLUMNS = "id, store, amount, ref, note, customer__name, customer__city";

/** The dataset as the README reads it; `union` for one-file-per-partition pulls that nobody harmonized. */
async function readDataset(
  dir: string,
  columns: string,
  union = false,
): Promise<Array<Record<string, unknown>>> {
  const options = union ? "hive_partitioning = true, union_by_name = true" : "hive_partitioning = true";
  return duckQuery(
    `SELECT ${columns}, "partition" FROM read_parquet('${join(dir, "**", "*.parquet")}', ${options}) ORDER BY id`,
  );
}

/** The same partitions pulled by one client in this process, one file per partition, read the same way. */
async function singleProcess(spec: PullSpecInput, dir: string, columns: string) {
  const source = spec.source as Record<string, unknown> & { path: string };
  await using client = new Apikit({
    baseUrl: source.baseUrl as string,
    pagination: source.pagination as never,
  });
  const p = spec.partitions;
  const parts =
    p.by === "list"
      ? p.values.map((v) => ({ key: String(v), path: source.path.replace("{value}", String(v)), params: {} }))
      : Array.from({ length: 30 }, (_, i) => {
          const since = new Date(Date.parse(p.start) + i * 86_400_000);
          const until = new Date(since.getTime() + 86_400_000);
          return {
            key: since.toISOString().slice(0, 10),
            path: source.path,
            params: { since: since.toISOString(), until: until.toISOString() },
          };
        });
  for (const part of parts) {
    await client.fetchToFile(part.path, {
      dataPath: source.dataPath as string,
      params: part.params,
      filePath: join(dir, `partition=${part.key}`, "part-0.parquet"),
    });
  }
  return readDataset(dir, columns, true);
}

describe.skipIf(clusterTests().skip)("cluster of worker processes (real Redis)", () => {
  const fx = clusterFixture({ latencyMs: 3 });

  it("3 workers pull 40 list partitions and 30 daily windows into datasets equal to single-process pulls", async () => {
    const workers: WorkerProcess[] = [];
    const cluster = new Cluster({ redis: fx.redis.url });
    try {
      for (let i = 0; i < 3; i++)
        workers.push(await startWorkerProcess(fx.redis.url, { concurrency: 3, lockMs: 1_000 }));
      const stores: PullSpecInput = {
        name: "stores",
        source: {
          baseUrl: fx.api.url,
          path: "/stores/{value}/orders",
          pagination: { strategy: "offset", pageSize: 10 },
          dataPath: "data",
        },
        partitions: { by: "list", values: Array.from({ length: 40 }, (_, i) => `store-${i}`) },
        output: { dir: join(fx.dir, "stores") },
      };
      const events: PullSpecInput = {
        name: "events",
        source: {
          baseUrl: fx.api.url,
          path: "/events",
          pagination: { strategy: "cursor" },
          dataPath: "data",
        },
        partitions: {
          by: "window",
          start: "2024-01-01T00:00:00Z",
          end: "2024-01-31T00:00:00Z",
          every: "1d",
          sinceParam: "since",
          untilParam: "until",
        },
        output: { dir: join(fx.dir, "events"), format: "parquet" },
      };
      const ids = [await cluster.submit(stores), await cluster.submit(events)];
      const finals = await Promise.all(ids.map((id) => cluster.wait(id, { intervalMs: 100 })));
      expect(finals.map((f) => f.state)).toEqual(["complete", "complete"]);
      expect(finals[0]!.partitions.done).toBe(40);
      expect(finals[1]!.partitions.done).toBe(30);

      const clustered = await readDataset(join(fx.dir, "stores"), ORDER_COLUMNS);
      const single = await singleProcess(stores, join(fx.dir, "single-stores"), ORDER_COLUMNS);
      expect(clustered.length).toBe(
        Array.from({ length: 40 }, (_, i) => ordersOf(`store-${i}`)).flat().length,
      );
      expect(clustered).toEqual(single);

      const eventColumns = '"id", "at", "value", "label"';
      const clusteredEvents = await readDataset(join(fx.dir, "events"), eventColumns);
      const singleEvents = await singleProcess(events, join(fx.dir, "single-events"), eventColumns);
      expect(clusteredEvents.length).toBeGreaterThan(1000);
      expect(clusteredEvents).toEqual(singleEvents);
      // Half-open windows: every event once, none lost at a day's edge.
      expect(new Set(clusteredEvents.map((e) => e.id)).size).toBe(clusteredEvents.length);

      for (const [i, name] of ["stores", "events"].entries()) {
        const manifest = JSON.parse(readFileSync(join(fx.dir, name, "_manifest.json"), "utf8")) as Manifest;
        expect(manifest.totals.records).toBe(name === "stores" ? clustered.length : clusteredEvents.length);
        expect(manifest.totals.partitions).toBe(name === "stores" ? 40 : 30);
        expect(finals[i]!.records).toBe(manifest.totals.records);
      }
      // Work spread over the workers.
      const busy = workers.filter((w) => /partition .* records/.test(w.log()));
      expect(busy.length).toBeGreaterThanOrEqual(2);
    } finally {
      await cluster.close();
      await stopWorkers(workers);
    }
    expect(workers.map((w) => w.child.exitCode)).toEqual([0, 0, 0]);
  }, 90_000);

  for (const seed of [1, 2, 3]) {
    it(`a worker SIGKILLed mid-partition (seed ${seed}): another resumes it; no record lost or doubled`, async () => {
      const slow = await startApi({ latencyMs: 15 });
      const workers: WorkerProcess[] = [];
      const cluster = new Cluster({ redis: fx.redis.url });
      const peek = new Redis(fx.redis.url);
      try {
        for (let i = 0; i < 3; i++) {
          workers.push(await startWorkerProcess(fx.redis.url, { concurrency: 2, lockMs: 1_000 }));
        }
        const values = Array.from({ length: 24 }, (_, i) => `k${seed}-${i}`);
        const spec: PullSpecInput = {
          name: `killed-${seed}`,
          source: {
            baseUrl: slow.url,
            path: "/stores/{value}/orders",
            pagination: { strategy: "offset", pageSize: 4 },
            dataPath: "data",
            concurrency: 1,
          },
          partitions: { by: "list", values },
          output: { dir: join(fx.dir, `killed-${seed}`) },
        };
        const id = await cluster.submit(spec);
        const victim = workers[seed % 3]!;
        // Kill it once it holds a partition with at least one page checkpointed (bounded wait).
        let killed: { key: string; pages: number } | undefined;
        for (let i = 0; i < 1_000 && !killed; i++) {
          const running = await peek.hgetall(`apikit:pull:${id}:running`);
          for (const [key, worker] of Object.entries(running)) {
            if (!worker.includes(`:${victim.pid}:`)) continue;
            const saved = await peek.get(`apikit:pull:${id}:checkpoint:${key}`);
            const pages = saved ? (JSON.parse(saved) as { pages: number; next: unknown }) : undefined;
            if (pages && pages.pages >= 1 && pages.next !== null && slow.requests.length >= seed * 15) {
              victim.child.kill("SIGKILL");
              killed = { key, pages: pages.pages };
              break;
            }
          }
          if (!killed) await new Promise((r) => setTimeout(r, 5));
        }
        expect(killed).toBeDefined();
        const final = await cluster.wait(id, { intervalMs: 100 });
        expect(final.state).toBe("complete");

        const rows = await readDataset(join(fx.dir, `killed-${seed}`), "id");
        const expected = values
          .flatMap(ordersOf)
          .map((o) => o.id)
          .sort();
        expect(rows.map((r) => r.id)).toEqual(expected);
        // Resumed from its checkpoint: of the killed partition's pages, only the ones in flight at the
        // kill (one, and one read ahead) were asked for twice.
        const { key, pages } = killed!;
        const asked = slow.requests.filter((r) => r.url.startsWith(`/stores/${key}/orders`)).length;
        const pagesOf = Math.ceil(ordersOf(key).length / 4) + 1; // the last one empty
        expect(asked).toBeLessThanOrEqual(pagesOf + 2);
        expect(pages).toBeLessThan(pagesOf);
      } finally {
        peek.disconnect();
        await cluster.close();
        await stopWorkers(workers);
        await slow.close();
      }
    }, 60_000);
  }
});
