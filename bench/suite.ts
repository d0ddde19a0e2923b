// The benchmark suite against the peers, on the loopback demo API: each contestant in its own child
// process (so peak RSS is its own), several runs interleaved, medians, and ratios to a baseline
// measured in the same run. Writes bench/results/latest.json.
//   node bench/suite.ts        (BENCH_RUNS=3; BENCH_SCENARIOS=1,2,3)
//
// 1. CPU-bound: 200 pages × 1 000 nested records, no added latency.
// 2. Latency-bound: 200 pages × 100 records, 25 ms added per response.
// 3. Request overhead: 20 000 small GETs, 50 in flight, client.dispatcher vs a plain undici Agent.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDemoServer } from "../dist/index.js";

type Run = (baseUrl: string) => Promise<number>; // returns records (or requests) handled

const PAGES = { cpu: { pages: 200, size: 1000 }, latency: { pages: 200, size: 100 } } as const;

/** Offset pages of the demo's /users until the total: the loop every peer runs. */
async function offsetLoop(
  baseUrl: string,
  size: number,
  get: (url: string) => Promise<{ total: number; users: unknown[] }>,
) {
  let offset = 0;
  let total = Number.POSITIVE_INFINITY;
  let records = 0;
  while (offset < total) {
    const page = await get(`${baseUrl}/users?offset=${offset}&limit=${size}`);
    total = page.total;
    if (page.users.length === 0) break;
    records += page.users.length;
    offset += page.users.length;
  }
  return records;
}

function listingContestants(size: number): Record<string, Run> {
  return {
    "undici request + JSON.parse (floor)": async (baseUrl) => {
      const { Agent, request } = await import("undici");
      const agent = new Agent();
      const n = await offsetLoop(baseUrl, size, async (url) =>
        JSON.parse(await (await request(url, { dispatcher: agent })).body.text()),
      );
      await agent.close();
      return n;
    },
    "apikit fetchRecords": async (baseUrl) => {
      const { Apikit } = await import("../dist/index.js");
      const client = new Apikit({
        baseUrl,
        pagination: { strategy: "offset", pageSize: size, dataPath: "users", totalPath: "total" },
      });
      const records = await client.fetchRecords("/users");
      await client.close();
      return records.length;
    },
    "apikit fetchPolars": async (baseUrl) => {
      const { Apikit } = await import("../dist/index.js");
      const client = new Apikit({
        baseUrl,
        pagination: { strategy: "offset", pageSize: size, dataPath: "users", totalPath: "total" },
      });
      const df = await client.fetchPolars("/users");
      await client.close();
      return df.height;
    },
    "apikit fetchToFile ndjson": async (baseUrl) => fetchToFile(baseUrl, size, "ndjson"),
    "apikit fetchToFile parquet": async (baseUrl) => fetchToFile(baseUrl, size, "parquet"),
    "got.paginate.all": async (baseUrl) => {
      const got = (await import("got")).default;
      const items = await got.paginate.all<unknown, { total: number; offset: number; users: unknown[] }>(
        `${baseUrl}/users`,
        {
          searchParams: { offset: 0, limit: size },
          responseType: "json",
          pagination: {
            transform: (response) => (response.body as { users: unknown[] }).users,
            paginate: ({ response, currentItems }) => {
              const body = response.body;
              const next = body.offset + currentItems.length;
              return currentItems.length === 0 || next >= body.total
                ? false
                : { searchParams: { offset: next, limit: size } };
            },
            requestLimit: 100_000,
            countLimit: Number.POSITIVE_INFINITY,
          },
        },
      );
      return items.length;
    },
    "ky loop": async (baseUrl) => {
      const ky = (await import("ky")).default;
      return offsetLoop(baseUrl, size, (url) => ky.get(url).json());
    },
    "axios loop": async (baseUrl) => {
      const axios = (await import("axios")).default;
      return offsetLoop(baseUrl, size, async (url) => (await axios.get(url)).data);
    },
    "fetch loop": async (baseUrl) =>
      offsetLoop(baseUrl, size, async (url) => (await fetch(url)).json() as never),
  };
}

async function fetchToFile(baseUrl: string, size: number, format: string): Promise<number> {
  const { Apikit } = await import("../dist/index.js");
  const dir = join(tmpdir(), `apikit-suite-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const client = new Apikit({
    baseUrl,
    pagination: { strategy: "offset", pageSize: size, dataPath: "users", totalPath: "total" },
  });
  const result = await client.fetchToFile("/users", { filePath: join(dir, `users.${format}`) });
  await client.close();
  rmSync(dir, { recursive: true, force: true });
  return result.records;
}

const OVERHEAD = { requests: 20_000, inFlight: 50 };

function overheadContestants(): Record<string, Run> {
  const hammer = async (baseUrl: string, dispatcher: import("undici").Dispatcher) => {
    const { request } = await import("undici");
    let next = 0;
    const worker = async () => {
      while (next < OVERHEAD.requests) {
        next += 1;
        const res = await request(`${baseUrl}/`, { dispatcher });
        await res.body.dump();
      }
    };
    await Promise.all(Array.from({ length: OVERHEAD.inFlight }, worker));
    return OVERHEAD.requests;
  };
  return {
    "plain undici Agent (baseline)": async (baseUrl) => {
      const { Agent } = await import("undici");
      const agent = new Agent({ connections: OVERHEAD.inFlight });
      const n = await hammer(baseUrl, agent);
      await agent.close();
      return n;
    },
    "apikit client.dispatcher": async (baseUrl) => {
      const { Apikit } = await import("../dist/index.js");
      const client = new Apikit({ baseUrl, connections: OVERHEAD.inFlight });
      const n = await hammer(baseUrl, client.dispatcher);
      await client.close();
      return n;
    },
  };
}

interface Scenario {
  id: string;
  title: string;
  contestants: Record<string, Run>;
  server: () => Promise<{ url: string; close(): Promise<void> }>;
  unit: string;
}

const SCENARIOS: Scenario[] = [
  {
    id: "1",
    title: `CPU-bound: ${PAGES.cpu.pages} pages × ${PAGES.cpu.size} nested records, no added latency`,
    contestants: listingContestants(PAGES.cpu.size),
    server: () =>
      startDemoServer({ size: PAGES.cpu.pages * PAGES.cpu.size, pageSizeMax: PAGES.cpu.size, faults: false }),
    unit: "records",
  },
  {
    id: "2",
    title: `Latency-bound: ${PAGES.latency.pages} pages × ${PAGES.latency.size} records, 25 ms per response`,
    contestants: listingContestants(PAGES.latency.size),
    server: () =>
      startDemoServer({
        size: PAGES.latency.pages * PAGES.latency.size,
        pageSizeMax: PAGES.latency.size,
        faults: false,
        latencyMs: 25,
      }),
    unit: "records",
  },
  {
    id: "3",
    title: `Request overhead: ${OVERHEAD.requests} small GETs, ${OVERHEAD.inFlight} in flight`,
    contestants: overheadContestants(),
    server: () => startDemoServer({ size: 1, faults: false }),
    unit: "requests",
  },
];

function runChild(scenario: string, contestant: string, baseUrl: string) {
  return new Promise<{ ms: number; n: number; peakRssMb: number }>((resolve, reject) => {
    const p = spawn(process.execPath, [import.meta.filename, "--child", scenario, contestant, baseUrl], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${contestant} exited with ${code}`)),
    );
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

if (process.argv[2] === "--child") {
  const [, , , id, contestant, baseUrl] = process.argv;
  const scenario = SCENARIOS.find((s) => s.id === id)!;
  const started = performance.now();
  const n = await scenario.contestants[contestant!]!(baseUrl!);
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ms, n, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
} else {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const wanted = (process.env.BENCH_SCENARIOS ?? "1,2,3").split(",");
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    runs,
    scenarios: {},
  };
  for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.id))) {
    console.log(`\nScenario ${scenario.id}. ${scenario.title} (${runs} runs, median)`);
    const server = await scenario.server();
    const names = Object.keys(scenario.contestants);
    const samples = new Map(names.map((n) => [n, [] as Array<{ ms: number; n: number; peakRssMb: number }>]));
    try {
      // One discarded run first: the server's own JIT warm-up must not land on the baseline.
      await runChild(scenario.id, names[0]!, server.url);
      for (let r = 0; r < runs; r++)
        for (const name of names) samples.get(name)!.push(await runChild(scenario.id, name, server.url));
    } finally {
      await server.close();
    }
    const baseline = median(samples.get(names[0]!)!.map((s) => s.ms));
    const rows = names.map((name) => {
      const xs = samples.get(name)!;
      const ms = median(xs.map((s) => s.ms));
      return {
        contestant: name,
        "median ms": Math.round(ms),
        [`${scenario.unit}/s`]: Math.round(xs[0]!.n / (ms / 1000)),
        "× baseline time": +(ms / baseline).toFixed(2),
        "peak RSS MB": Math.round(median(xs.map((s) => s.peakRssMb))),
      };
    });
    console.table(rows);
    (report.scenarios as Record<string, unknown>)[scenario.id] = { title: scenario.title, rows };
  }
  mkdirSync(join(import.meta.dirname, "results"), { recursive: true });
  writeFileSync(join(import.meta.dirname, "results", "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
}
