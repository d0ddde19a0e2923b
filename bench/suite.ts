// The benchmark suite against the peers, on the loopback demo API: each contestant in its own child
// process (so peak RSS is its own), several runs interleaved, medians, and ratios to a baseline
// measured in the same run. Writes bench/results/latest.json.
//   node bench/suite.ts        (BENCH_RUNS=3; BENCH_SCENARIOS=1,2,3,4,5)
//
// 1. CPU-bound: 200 pages × 1 000 nested records, no added latency.
// 2. Latency-bound: 200 pages × 100 records, 25 ms added per response.
// 3. Request overhead: 20 000 small GETs, 50 in flight, client.dispatcher vs a plain undici Agent.
// 4. Realistic records: 200 pages × 1 000 records with 15–17-digit floats, long digit strings,
//    unicode and escapes (bench/records.ts), from the bench listing server.
// 5. Start-up: the time to import the package (the other scenarios start their clocks after imports).
// Every peer keeps the records it pulls, as fetchRecords does; the floor drops them (its kept variant
// is beside it).
// BENCH_DIST=<dir> runs apikit from another build (e.g. the code before a change) in the same harness;
// BENCH_OUT=<name> writes bench/results/<name>.json instead of latest.json; BENCH_COMPARE=<dir> adds
// apikit's contestants from a second build to the same runs (before/after ratios on a noisy machine).
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { startListingServer } from "./listing-server.ts";

const DIST = process.env.BENCH_DIST
  ? pathToFileURL(resolve(process.env.BENCH_DIST, "index.js")).href
  : new URL("../dist/index.js", import.meta.url).href;
const apikit = () => import(DIST) as Promise<typeof import("../dist/index.js")>;
// BENCH_COMPARE=<dir> adds apikit's contestants from a second build, interleaved in the same runs.
const COMPARE = process.env.BENCH_COMPARE
  ? pathToFileURL(resolve(process.env.BENCH_COMPARE, "index.js")).href
  : undefined;
const compared = () => import(COMPARE!) as Promise<typeof import("../dist/index.js")>;

/**
 * One contestant: returns the records (or requests) it handled. It calls `start()` once its modules
 * are imported and its client is made, so the time measured is the pull's alone; import time is a
 * separate figure (apikit's is measured in scenario 5).
 */
type Run = (baseUrl: string, start: () => void) => Promise<number>;

const PAGES = { cpu: { pages: 200, size: 1000 }, latency: { pages: 200, size: 100 } } as const;

/** Where a listing lives: its path and the key of its records (with `total` and `offset` beside it). */
interface Listing {
  path: string;
  dataPath: string;
}
const DEMO_USERS: Listing = { path: "/users", dataPath: "users" };
const REALISTIC: Listing = { path: `/${PAGES.cpu.pages * PAGES.cpu.size}/realistic`, dataPath: "items" };

type ListingPage = { total: number; offset: number } & Record<string, unknown>;

/**
 * Offset pages of a listing until the total: the loop every peer runs. With `keep`, every record is
 * held to the end, as fetchRecords (and got.paginate.all) must: a peer that drops them does less work.
 */
async function offsetLoop(
  baseUrl: string,
  size: number,
  listing: Listing,
  get: (url: string) => Promise<ListingPage>,
  keep: unknown[] | undefined,
) {
  let offset = 0;
  let total = Number.POSITIVE_INFINITY;
  let records = 0;
  while (offset < total) {
    const page = await get(`${baseUrl}${listing.path}?offset=${offset}&limit=${size}`);
    const items = page[listing.dataPath] as unknown[];
    total = page.total;
    if (items.length === 0) break;
    if (keep) for (const item of items) keep.push(item);
    records += items.length;
    offset += items.length;
  }
  return records;
}

function listingContestants(size: number, listing: Listing = DEMO_USERS): Record<string, Run> {
  /** A peer's loop: modules imported and client made before start(), every record kept. */
  const peer =
    (prepare: () => Promise<(url: string) => Promise<ListingPage>>): Run =>
    async (baseUrl, start) => {
      const get = await prepare();
      start();
      return offsetLoop(baseUrl, size, listing, get, []);
    };
  return {
    // The floor of the issue: fetch and parse, nothing kept.
    "undici request + JSON.parse (floor)": async (baseUrl, start) => {
      const { Agent, request } = await import("undici");
      const agent = new Agent();
      start();
      const n = await offsetLoop(
        baseUrl,
        size,
        listing,
        async (url) => JSON.parse(await (await request(url, { dispatcher: agent })).body.text()),
        undefined,
      );
      await agent.close();
      return n;
    },
    // The same, keeping every record as fetchRecords does: what holding them costs (GC) on its own.
    "undici request + JSON.parse, records kept": peer(async () => {
      const { Agent, request } = await import("undici");
      const agent = new Agent();
      return async (url) => JSON.parse(await (await request(url, { dispatcher: agent })).body.text());
    }),
    ...apikitContestants(size, listing, apikit, ""),
    ...(COMPARE ? apikitContestants(size, listing, compared, " (BENCH_COMPARE build)") : {}),
    "got.paginate.all": async (baseUrl, start) => {
      const got = (await import("got")).default;
      start();
      const items = await got.paginate.all<unknown, ListingPage>(`${baseUrl}${listing.path}`, {
        searchParams: { offset: 0, limit: size },
        responseType: "json",
        pagination: {
          transform: (response) => (response.body as ListingPage)[listing.dataPath] as unknown[],
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
      });
      return items.length;
    },
    "ky loop": peer(async () => {
      const ky = (await import("ky")).default;
      return (url) => ky.get(url).json();
    }),
    "axios loop": peer(async () => {
      const axios = (await import("axios")).default;
      return async (url) => (await axios.get(url)).data;
    }),
    "fetch loop": peer(async () => async (url) => (await fetch(url)).json() as never),
  };
}

type Load = () => Promise<typeof import("../dist/index.js")>;

/** apikit's contestants, from the build `load` imports; `tag` names that build. */
function apikitContestants(size: number, listing: Listing, load: Load, tag: string): Record<string, Run> {
  const pagination = {
    strategy: "offset",
    pageSize: size,
    dataPath: listing.dataPath,
    totalPath: "total",
  } as const;
  return {
    [`apikit fetchRecords${tag}`]: async (baseUrl, start) => {
      const { Apikit } = await load();
      const client = new Apikit({ baseUrl, pagination });
      start();
      const records = await client.fetchRecords(listing.path);
      await client.close();
      return records.length;
    },
    // Page by page, records dropped once counted: the like-for-like of the floor.
    [`apikit pages (records dropped)${tag}`]: async (baseUrl, start) => {
      const { Apikit } = await load();
      const client = new Apikit({ baseUrl, pagination });
      start();
      let records = 0;
      for await (const page of client.pages(listing.path)) records += page.records.length;
      await client.close();
      return records;
    },
    [`apikit fetchPolars${tag}`]: async (baseUrl, start) => {
      const { Apikit } = await load();
      const client = new Apikit({ baseUrl, pagination });
      // nodejs-polars loads on first use: load it before the clock starts, as the import of the others.
      await import("nodejs-polars");
      start();
      const df = await client.fetchPolars(listing.path);
      await client.close();
      return df.height;
    },
    [`apikit fetchToFile ndjson${tag}`]: async (baseUrl, start) =>
      fetchToFile(load, baseUrl, size, listing, "ndjson", start),
    [`apikit fetchToFile parquet${tag}`]: async (baseUrl, start) =>
      fetchToFile(load, baseUrl, size, listing, "parquet", start),
  };
}

async function fetchToFile(
  load: Load,
  baseUrl: string,
  size: number,
  listing: Listing,
  format: string,
  start: () => void,
): Promise<number> {
  const { Apikit } = await load();
  if (format === "parquet") await import("@duckdb/node-api");
  const dir = join(tmpdir(), `apikit-suite-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const client = new Apikit({
    baseUrl,
    pagination: { strategy: "offset", pageSize: size, dataPath: listing.dataPath, totalPath: "total" },
  });
  start();
  const result = await client.fetchToFile(listing.path, { filePath: join(dir, `records.${format}`) });
  await client.close();
  rmSync(dir, { recursive: true, force: true });
  return result.records;
}

const OVERHEAD = { requests: 20_000, inFlight: 50 };

function overheadContestants(): Record<string, Run> {
  const dispatcherRun =
    (load: Load): Run =>
    async (baseUrl, start) => {
      const { Apikit } = await load();
      // The budget as wide as the hammer, so this measures the transport's cost, not its cap.
      const client = new Apikit({ baseUrl, connections: OVERHEAD.inFlight, concurrency: OVERHEAD.inFlight });
      start();
      const n = await hammer(baseUrl, client.dispatcher);
      await client.close();
      return n;
    };
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
    "plain undici Agent (baseline)": async (baseUrl, start) => {
      const { Agent } = await import("undici");
      const agent = new Agent({ connections: OVERHEAD.inFlight });
      start();
      const n = await hammer(baseUrl, agent);
      await agent.close();
      return n;
    },
    "apikit client.dispatcher": dispatcherRun(apikit),
    ...(COMPARE ? { "apikit client.dispatcher (BENCH_COMPARE build)": dispatcherRun(compared) } : {}),
  };
}

interface Scenario {
  id: string;
  title: string;
  contestants: Record<string, Run>;
  server: () => Promise<{ url: string; close(): Promise<void> }>;
  unit: string;
}

const demoServer: typeof import("../dist/index.js").startDemoServer = async (options) =>
  (await apikit()).startDemoServer(options);

const SCENARIOS: Scenario[] = [
  {
    id: "1",
    title: `CPU-bound: ${PAGES.cpu.pages} pages × ${PAGES.cpu.size} nested records, no added latency`,
    contestants: listingContestants(PAGES.cpu.size),
    server: () =>
      demoServer({ size: PAGES.cpu.pages * PAGES.cpu.size, pageSizeMax: PAGES.cpu.size, faults: false }),
    unit: "records",
  },
  {
    id: "2",
    title: `Latency-bound: ${PAGES.latency.pages} pages × ${PAGES.latency.size} records, 25 ms per response`,
    contestants: listingContestants(PAGES.latency.size),
    server: () =>
      demoServer({
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
    server: () => demoServer({ size: 1, faults: false }),
    unit: "requests",
  },
  {
    id: "4",
    title: `Realistic records: ${PAGES.cpu.pages} pages × ${PAGES.cpu.size} records (15–17-digit floats, long digit strings, unicode, escapes), no added latency`,
    contestants: listingContestants(PAGES.cpu.size, REALISTIC),
    server: startListingServer,
    unit: "records",
  },
  {
    id: "5",
    title: "Start-up: importing the package in a fresh process (no request)",
    contestants: {
      "import undici (baseline)": async () => {
        await import("undici");
        return 1;
      },
      "import apikit-ts": async () => {
        await apikit();
        return 1;
      },
    },
    server: async () => ({ url: "", close: async () => {} }),
    unit: "imports",
  },
];

interface Sample {
  ms: number;
  n: number;
  peakRssMb: number;
}

/** One run in a child process; a contestant that fails is reported with the first line of its error. */
function runChild(scenario: string, contestant: string, baseUrl: string) {
  return new Promise<Sample | { failed: string }>((resolve) => {
    const p = spawn(process.execPath, [import.meta.filename, "--child", scenario, contestant, baseUrl], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.stderr.on("data", (d) => {
      err += d;
      process.stderr.write(d);
    });
    p.on("close", (code) => {
      if (code === 0) return resolve(JSON.parse(out) as Sample);
      const why = /^\w*Error: .*$/m.exec(err)?.[0] ?? `exited with ${code}`;
      resolve({ failed: why.slice(0, 200) });
    });
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
  let started = performance.now();
  const n = await scenario.contestants[contestant!]!(baseUrl!, () => {
    started = performance.now();
  });
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ms, n, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
} else {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const wanted = (process.env.BENCH_SCENARIOS ?? "1,2,3,4,5").split(",");
  const only = process.env.BENCH_CONTESTANTS?.split(",");
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    runs,
    scenarios: {},
  };
  for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.id))) {
    console.log(`\nScenario ${scenario.id}. ${scenario.title} (${runs} runs, median)`);
    const server = await scenario.server();
    // The baseline (first) always runs; BENCH_CONTESTANTS=fetchRecords,ky keeps those whose name matches.
    const names = Object.keys(scenario.contestants).filter(
      (name, i) => i === 0 || !only || only.some((o) => name.includes(o)),
    );
    const samples = new Map(names.map((n) => [n, [] as Sample[]]));
    const failed = new Map<string, string>();
    try {
      // One discarded run first: the server's own JIT warm-up must not land on the baseline.
      await runChild(scenario.id, names[0]!, server.url);
      for (let r = 0; r < runs; r++)
        for (const name of names) {
          if (failed.has(name)) continue;
          const sample = await runChild(scenario.id, name, server.url);
          if ("failed" in sample) failed.set(name, sample.failed);
          else samples.get(name)!.push(sample);
        }
    } finally {
      await server.close();
    }
    const baseline = median(samples.get(names[0]!)!.map((s) => s.ms));
    const rows = names.map((name) => {
      const xs = samples.get(name)!;
      const error = failed.get(name);
      if (error) return { contestant: name, failed: error };
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
  const out = process.env.BENCH_OUT ?? "latest";
  writeFileSync(join(import.meta.dirname, "results", `${out}.json`), `${JSON.stringify(report, null, 2)}\n`);
}
