// One rate-limit budget for every worker: 3 `apikit worker` processes × 4 partitions each against an
// API that allows 50 requests/s (a bucket of 50 refilled at 50/s; 429 when empty). With the spec's
// rateLimit the API never says 429 and the measured rate stays at 50/s; without it, the same workers
// overrun it (so the first test can fail). A 429 with Retry-After: 2 seen by one worker holds them all.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster, type PullSpecInput } from "../../src/index.js";
import { clusterTests, startRedis, type TestRedis } from "../support/redis.js";
import { ordersOf, startApi, type TestApi } from "./api.js";
import { startWorkerProcess, stopWorkers, type WorkerProcess } from "./workers.js";

describe.skipIf(clusterTests().skip)(
  "the cluster's shared rate budget (real Redis, worker processes)",
  () => {
    let redis: TestRedis;
    let dir: string;
    let workers: WorkerProcess[] = [];

    beforeAll(async () => {
      redis = await startRedis();
      dir = mkdtempSync(join(tmpdir(), "apikit-budget-"));
      for (let i = 0; i < 3; i++)
        workers.push(await startWorkerProcess(redis.url, { concurrency: 4, lockMs: 2_000 }));
    }, 60_000);
    afterAll(async () => {
      await stopWorkers(workers);
      workers = [];
      await redis?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const spec = (name: string, api: TestApi, values: string[], rateLimit?: number): PullSpecInput => ({
      name,
      source: {
        baseUrl: api.url,
        path: "/stores/{value}/orders",
        pagination: { strategy: "offset", pageSize: 5 },
        dataPath: "data",
        retry: { initialDelayMs: 50 },
      },
      partitions: { by: "list", values },
      output: { dir: join(dir, name), format: "ndjson" },
      ...(rateLimit ? { rateLimit: { requestsPerSecond: rateLimit } } : {}),
    });

    const run = async (pull: PullSpecInput) => {
      const cluster = new Cluster({ redis: redis.url });
      try {
        return await cluster.wait(await cluster.submit(pull), { intervalMs: 100 });
      } finally {
        await cluster.close();
      }
    };

    it("3 workers × 4 partitions with rateLimit 50/s: no 429, and the API sees at most 50 requests/s", async () => {
      const api = await startApi({ perSecond: 50 });
      try {
        const values = Array.from({ length: 30 }, (_, i) => `b-${i}`);
        const final = await run(spec("budgeted", api, values, 50));
        expect(final.state).toBe("complete");
        expect(final.records).toBe(values.flatMap(ordersOf).length);
        expect(api.throttled).toEqual([]);
        const n = api.arrivals.length;
        expect(n).toBeGreaterThan(120);
        // The rate is the slope of arrival times over request numbers (least squares), from the 11th
        // arrival on (the first ones open connections): one late arrival, common on a loaded CI box,
        // moves a slope hardly at all where it would shorten a first-to-last span by a whole slot.
        const steady = api.arrivals.slice(10);
        const k = steady.length;
        const meanI = (k - 1) / 2;
        const meanT = steady.reduce((a, b) => a + b, 0) / k;
        let num = 0;
        let den = 0;
        for (const [i, t] of steady.entries()) {
          num += (i - meanI) * (t - meanT);
          den += (i - meanI) ** 2;
        }
        const rate = 1000 / (num / den);
        expect(rate).toBeLessThanOrEqual(50);
        expect(rate).toBeGreaterThan(35);
      } finally {
        await api.close();
      }
    }, 60_000);

    it("without the shared budget the same workers overrun the API (the budget is what keeps it at 50/s)", async () => {
      const api = await startApi({ perSecond: 50 });
      try {
        const values = Array.from({ length: 30 }, (_, i) => `u-${i}`);
        const final = await run(spec("unbudgeted", api, values));
        expect(final.state).toBe("complete");
        expect(api.throttled.length).toBeGreaterThan(0);
      } finally {
        await api.close();
      }
    }, 60_000);

    // Requests already on the wire when the server said to wait may still arrive; nothing sent after it
    // does, by any worker, until the wait is over.
    const holds = [
      {
        what: "one 429 with Retry-After: 2 seen by one worker pauses every worker for 2 s",
        name: "paused",
        options: { throttleAt: { request: 40, retryAfterS: 2 } },
        heldMs: 2_000,
        signal: (api: TestApi) => {
          expect(api.throttled).toHaveLength(1);
          return api.throttled[0]!;
        },
      },
      {
        what: "a response saying the window is spent until its reset (X-RateLimit-*) holds every worker until then",
        name: "headroom",
        options: { spentAt: { request: 40, resetS: 2 } },
        // The reset is in whole seconds from when the server wrote it.
        heldMs: 1_800,
        signal: (api: TestApi) => api.spent[0]!,
      },
    ];
    for (const hold of holds) {
      it(hold.what, async () => {
        const api = await startApi({ latencyMs: 5, ...hold.options });
        try {
          const values = Array.from({ length: 24 }, (_, i) => `${hold.name}-${i}`);
          const final = await run(spec(hold.name, api, values));
          expect(final.state).toBe("complete");
          expect(final.records).toBe(values.flatMap(ordersOf).length);
          const at = hold.signal(api);
          expect(api.arrivals.filter((t) => t > at + 200 && t < at + hold.heldMs)).toEqual([]);
          expect(api.arrivals.filter((t) => t >= at + hold.heldMs).length).toBeGreaterThan(10);
        } finally {
          await api.close();
        }
      }, 60_000);
    }
  },
);
