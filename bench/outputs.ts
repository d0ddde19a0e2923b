// Output benchmark: N nested records from a loopback API into every file format, next to the floor
// (the same pages fetched with plain undici + JSON.parse, written nowhere), each scenario in its own
// child process, several runs, medians. Then the memory check: peak RSS at 500 thousand and at
// 5 million records, for the floor and each streaming format.
//   node bench/outputs.ts   (BENCH_RECORDS, BENCH_RUNS; BENCH_SPEED=0 or BENCH_MEMORY=0 skips a part;
//   BENCH_FORMATS=ndjson,csv limits the memory part; BENCH_DIST=<dir> runs another build; BENCH_OUT=<name>
//   writes bench/results/<name>.json)
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { startListingServer } from "./listing-server.ts";

const DIST = process.env.BENCH_DIST
  ? pathToFileURL(resolve(process.env.BENCH_DIST, "index.js")).href
  : new URL("../dist/index.js", import.meta.url).href;

const PAGE = 1000;
const FORMATS = ["ndjson", "json", "csv", "parquet", "arrow", "duckdb"] as const;
type Scenario = "floor" | (typeof FORMATS)[number];

interface Sample {
  scenario: Scenario;
  records: number;
  ms: number;
  peakRssMb: number;
  sizeMb: number;
}

async function child(scenario: Scenario, baseUrl: string, total: number): Promise<Sample> {
  const started = performance.now();
  let size = 0;
  if (scenario === "floor") {
    const { Agent, request } = await import("undici");
    const agent = new Agent({ connections: 4 });
    let count = 0;
    for (let offset = 0; offset < total; offset += PAGE) {
      const res = await request(`${baseUrl}/${total}/items?offset=${offset}&limit=${PAGE}`, {
        dispatcher: agent,
      });
      const page = JSON.parse(await res.body.text()) as { items: unknown[] };
      count += page.items.length;
    }
    if (count !== total) throw new Error(`floor saw ${count} records, expected ${total}`);
    await agent.close();
  } else {
    const { Apikit } = (await import(DIST)) as typeof import("../dist/index.js");
    const dir = join(tmpdir(), `apikit-bench-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const client = new Apikit({
      baseUrl,
      pagination: { strategy: "offset", pageSize: PAGE, dataPath: "items" },
    });
    const result = await client.fetchToFile(`/${total}/items`, {
      filePath: join(dir, `out.${scenario}`),
      format: scenario,
    });
    if (result.records !== total)
      throw new Error(`${scenario} wrote ${result.records} records, expected ${total}`);
    size = statSync(result.path).size;
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const ms = performance.now() - started;
  return {
    scenario,
    records: total,
    ms,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    sizeMb: size / 1e6,
  };
}

function runChild(scenario: Scenario, baseUrl: string, total: number): Promise<Sample> {
  // Not spawnSync: the parent's event loop serves the API.
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [import.meta.filename, "--child", scenario, baseUrl, String(total)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(out) as Sample) : reject(new Error(`${scenario} exited with ${code}`)),
    );
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function speedTable(baseUrl: string, records: number, runs: number) {
  console.log(
    `Outputs: ${records.toLocaleString()} nested records, pages of ${PAGE}, ${runs} runs each (median)`,
  );
  const speed: Array<Record<string, string | number>> = [];
  const scenarios: Scenario[] = ["floor", ...FORMATS];
  const samples = new Map<Scenario, Sample[]>(scenarios.map((s) => [s, []]));
  // Interleave runs so drift on this noisy machine hits every scenario alike.
  for (let r = 0; r < runs; r++)
    for (const s of scenarios) samples.get(s)!.push(await runChild(s, baseUrl, records));
  const floorMs = median(samples.get("floor")!.map((x) => x.ms));
  for (const s of scenarios) {
    const xs = samples.get(s)!;
    const ms = median(xs.map((x) => x.ms));
    speed.push({
      scenario: s,
      "median s": +(ms / 1000).toFixed(2),
      "records/s": Math.round(records / (ms / 1000)),
      "× floor": +(ms / floorMs).toFixed(2),
      "peak RSS MB": Math.round(median(xs.map((x) => x.peakRssMb))),
      "file MB": +median(xs.map((x) => x.sizeMb)).toFixed(1),
    });
  }
  console.table(speed);
  return speed;
}

if (process.argv[2] === "--child") {
  const [, , , scenario, baseUrl, total] = process.argv;
  process.stdout.write(JSON.stringify(await child(scenario as Scenario, baseUrl!, Number(total))));
} else {
  const records = Number(process.env.BENCH_RECORDS ?? 1_000_000);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    records,
    runs,
  };
  const server = await startListingServer();
  try {
    if (process.env.BENCH_SPEED !== "0") report.speed = await speedTable(server.url, records, runs);
    if (process.env.BENCH_MEMORY !== "0") {
      console.log("Memory: peak RSS at 500 thousand and 5 million records (one run each)");
      const memory: Array<Record<string, string | number>> = [];
      let floorGrowth = 1;
      const only = process.env.BENCH_FORMATS?.split(",");
      const memoryScenarios = (["floor", "ndjson", "csv", "parquet", "arrow", "duckdb"] as Scenario[]).filter(
        (s) => s === "floor" || !only || only.includes(s),
      );
      for (const s of memoryScenarios) {
        const small = await runChild(s, server.url, 500_000);
        const big = await runChild(s, server.url, 5_000_000);
        const growth = big.peakRssMb / small.peakRssMb;
        if (s === "floor") floorGrowth = growth;
        memory.push({
          scenario: s,
          "500k MB": Math.round(small.peakRssMb),
          "5M MB": Math.round(big.peakRssMb),
          growth: +growth.toFixed(2),
          "within floor +10 %": s === "floor" ? "-" : growth <= floorGrowth * 1.1 ? "yes" : "NO",
          "5M < 600 MB": big.peakRssMb < 600 ? "yes" : "NO",
        });
      }
      console.table(memory);
      report.memory = memory;
    }
    mkdirSync(join(import.meta.dirname, "results"), { recursive: true });
    writeFileSync(
      join(import.meta.dirname, "results", `${process.env.BENCH_OUT ?? "outputs"}.json`),
      `${JSON.stringify(report, null, 2)}\n`,
    );
  } finally {
    await server.close();
  }
}
