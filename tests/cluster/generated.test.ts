// Generated cluster pulls (fast-check): random partitions, each a cursor listing cut into random pages
// (empty pages mid-listing included) whose first attempts sometimes fail with 503, pulled by two
// workers. Invariant: the dataset holds every record exactly once and the manifest counts it, or the
// pull is reported failed; never a short dataset reported complete.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster, type ClusterWorker, type Manifest, startWorker } from "../../src/index.js";
import { clusterTests, startRedis, type TestRedis } from "../support/redis.js";
import { startServer, type TestServer } from "../support/server.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

interface Listing {
  /** Records per page, in order; zeros are empty pages mid-listing. */
  pages: number[];
  /** Pages whose first attempt answers 503. */
  flaky: boolean[];
}

const listing = fc
  .array(fc.record({ size: fc.integer({ min: 0, max: 6 }), flaky: fc.boolean() }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((pages) => ({ pages: pages.map((p) => p.size), flaky: pages.map((p) => p.flaky) }));

describe.skipIf(clusterTests().skip)("generated cluster pulls (real Redis)", () => {
  let redis: TestRedis;
  let server: TestServer;
  let dir: string;
  let workers: ClusterWorker[] = [];
  const runs = new Map<string, Map<string, Listing>>();
  const attempts = new Map<string, number>();

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), "apikit-generated-"));
    server = await startServer((req, res) => {
      const url = new URL(req.url, "http://x");
      const [, run, , value] = url.pathname.split("/");
      const list = runs.get(run ?? "")?.get(value ?? "");
      res.setHeader("content-type", "application/json");
      if (!list) {
        res.statusCode = 404;
        res.end("{}");
        return;
      }
      const page = Number(url.searchParams.get("cursor") ?? 0);
      const seen = (attempts.get(req.url) ?? 0) + 1;
      attempts.set(req.url, seen);
      if (list.flaky[page] && seen === 1) {
        res.statusCode = 503;
        res.end('{"error":"try again"}');
        return;
      }
      const first = list.pages.slice(0, page).reduce((a, b) => a + b, 0);
      const data = Array.from({ length: list.pages[page] ?? 0 }, (_, i) => ({
        id: `${run}/${value}/${first + i}`,
        amount: (first + i) * 1.1000000000000001 + 1e-15,
        text: `ü ${"\\"} "${first + i}"`,
      }));
      const next = page + 1 < list.pages.length ? String(page + 1) : null;
      res.end(JSON.stringify({ data, next_cursor: next }));
    });
    workers = await Promise.all(
      [1, 2].map(() => startWorker({ redis: redis.url, concurrency: 3, logger: quiet })),
    );
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await server?.close();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("every record exactly once, counted in the manifest", async () => {
    let n = 0;
    const cluster = new Cluster({ redis: redis.url });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(listing, { minLength: 1, maxLength: 8 }), async (listings) => {
          const run = `r${n++}`;
          const parts = new Map(listings.map((l, i) => [`v${i}`, l]));
          runs.set(run, parts);
          const out = join(dir, run);
          const id = await cluster.submit({
            name: run,
            source: {
              baseUrl: server.url,
              path: `/${run}/items/{value}`,
              pagination: { strategy: "cursor", nextCursorPath: "next_cursor" },
              dataPath: "data",
              retry: { initialDelayMs: 1, maxDelayMs: 5 },
            },
            partitions: { by: "list", values: [...parts.keys()] },
            output: { dir: out, format: "ndjson" },
          });
          const final = await cluster.wait(id, { intervalMs: 50 });
          expect(final.state).toBe("complete");
          const manifest = JSON.parse(readFileSync(join(out, "_manifest.json"), "utf8")) as Manifest;
          const ids: string[] = [];
          for (const p of manifest.partitions) {
            const lines = readFileSync(join(out, p.file), "utf8").split("\n").filter(Boolean);
            expect(lines.length).toBe(p.records);
            for (const line of lines) ids.push((JSON.parse(line) as { id: string }).id);
          }
          const expected = [...parts].flatMap(([value, l]) =>
            Array.from({ length: l.pages.reduce((a, b) => a + b, 0) }, (_, i) => `${run}/${value}/${i}`),
          );
          expect(ids.sort()).toEqual(expected.sort());
          expect(manifest.totals.records).toBe(expected.length);
          expect(final.records).toBe(expected.length);
        }),
        { numRuns: 25 },
      );
    } finally {
      await cluster.close();
    }
  }, 60_000);
});
