// `npm run bench:cluster`: one pull of 200 partitions of a latency-bound listing (25 ms added to every
// response; offset pages of 10 realistic orders: 15-17-digit floats, long digit strings, unicode,
// escapes, nulls, nested objects) by 1 worker and by 3 worker processes, each `apikit worker
// --concurrency 4`, on one real redis-server. Runs interleaved (BENCH_RUNS, default 3), medians, the
// 3-worker ratio against the 1-worker baseline measured in the same run, for Parquet and NDJSON output.
// Writes bench/results/cluster.json (BENCH_OUT=<name> for another name).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { startRedis } from "../tests/support/redis.ts";
import { realisticRecord } from "./records.ts";

/** /stores/<n>/orders: store n has 40 + n % 61 realistic records (5-11 offset pages of 10); every response 25 ms late. */
async function startApi(latencyMs: number) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const url = new URL(req.url ?? "/", "http://x");
    const store = Number(/^\/stores\/store-(\d+)\/orders$/.exec(url.pathname)?.[1] ?? -1);
    setTimeout(() => {
      res.setHeader("content-type", "application/json");
      if (store < 0) {
        res.statusCode = 404;
        res.end("{}");
        return;
      }
      const count = 40 + (store % 61);
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const limit = Number(url.searchParams.get("limit") ?? 10);
      const data = [];
      for (let i = offset; i < Math.min(count, offset + limit); i++)
        data.push(realisticRecord(store * 1000 + i));
      res.end(JSON.stringify({ data }));
    }, latencyMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const { Cluster } = (await import(
  new URL("../dist/index.js", import.meta.url).href
)) as typeof import("../dist/index.js");
const BIN = new URL("../dist/cli/main.js", import.meta.url).pathname;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PARTITIONS = 200;
const LATENCY_MS = 25;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

async function startWorkers(redisUrl: string, n: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const child = spawn(
        process.execPath,
        [BIN, "worker", "--redis", redisUrl, "--concurrency", String(CONCURRENCY)],
        {
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      let log = "";
      child.stderr?.on("data", (d: Buffer) => {
        log += d;
      });
      for (let i = 0; i < 300 && !log.includes("cluster worker "); i++)
        await new Promise((r) => setTimeout(r, 50));
      if (!log.includes("cluster worker ")) throw new Error(`worker did not start: ${log}`);
      return child;
    }),
  );
}

/** CPU seconds (user + system, all threads) a process has used, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function stop(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          w.once("exit", () => resolve());
          w.kill("SIGTERM");
        }),
    ),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const redis = await startRedis();
const api = await startApi(LATENCY_MS);
const dir = mkdtempSync(join(tmpdir(), "apikit-bench-cluster-"));
const cluster = new Cluster({ redis: redis.url });
const times: Record<string, number[]> = {};
const cpus: Record<string, number[]> = {};
let run = 0;
try {
  for (let r = 0; r < RUNS; r++) {
    for (const format of (process.env.BENCH_FORMATS ?? "parquet,ndjson").split(",") as Array<
      "parquet" | "ndjson"
    >) {
      for (const workers of [1, 3]) {
        const procs = await startWorkers(redis.url, workers);
        const name = `bench-${run++}`;
        const before = api.requests.length;
        const started = performance.now();
        const id = await cluster.submit({
          name,
          source: {
            baseUrl: api.url,
            path: "/stores/{value}/orders",
            pagination: { strategy: "offset", pageSize: 10 },
            dataPath: "data",
          },
          partitions: { by: "list", values: Array.from({ length: PARTITIONS }, (_, i) => `store-${i}`) },
          output: { dir: join(dir, name), format },
        });
        const final = await cluster.wait(id, { intervalMs: 20 });
        const ms = performance.now() - started;
        const cpu = procs.reduce((sum, p) => sum + cpuSeconds(p.pid), 0);
        await stop(procs);
        if (final.state !== "complete") throw new Error(`${name}: ${final.state}`);
        const key = `${format} ${workers} worker${workers > 1 ? "s" : ""}`;
        times[key] = [...(times[key] ?? []), ms];
        cpus[key] = [...(cpus[key] ?? []), cpu];
        console.log(
          `${key}: ${Math.round(ms)} ms, ${final.records} records, ${api.requests.length - before} requests, workers used ${cpu.toFixed(1)} CPU s`,
        );
      }
    }
  }
} finally {
  await cluster.close();
  await api.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}

const result: Record<string, unknown> = {
  partitions: PARTITIONS,
  latencyMs: LATENCY_MS,
  concurrency: CONCURRENCY,
  runs: RUNS,
  medians: {},
  ratios: {},
};
for (const [key, xs] of Object.entries(times))
  (result.medians as Record<string, number>)[key] = Math.round(median(xs));
result.workerCpuSeconds = Object.fromEntries(
  Object.entries(cpus).map(([key, xs]) => [key, Number(median(xs).toFixed(1))]),
);
result.cores = availableParallelism();
for (const format of Object.keys(times)
  .map((k) => k.split(" ")[0]!)
  .filter((f, i, all) => all.indexOf(f) === i)) {
  const one = median(times[`${format} 1 worker`]!);
  const three = median(times[`${format} 3 workers`]!);
  (result.ratios as Record<string, number>)[`${format}: 3 workers vs 1`] = Number((one / three).toFixed(2));
}
console.log(JSON.stringify(result, null, 2));
writeFileSync(
  new URL(`./results/${process.env.BENCH_OUT ?? "cluster"}.json`, import.meta.url),
  `${JSON.stringify(result, null, 2)}\n`,
);
