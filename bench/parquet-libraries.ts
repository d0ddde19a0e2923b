// Which Parquet writer? Writes 1 million nested records (flattened) with each candidate, each in its
// own child process, and reports wall time, peak RSS, file size and whether DuckDB and polars read it
// back with every row. `node bench/parquet-libraries.ts [records]`
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchRecord } from "./records.ts";

const N = Number(process.argv[3] ?? process.argv[2] ?? 1_000_000);
const CANDIDATES = [
  "duckdb-copy",
  "nodejs-polars",
  "parquet-wasm",
  "hyparquet-writer",
  "parquetjs-lite",
] as const;
type Candidate = (typeof CANDIDATES)[number];

async function flattened(): Promise<typeof import("../dist/index.js")> {
  return import("../dist/index.js");
}

async function runCandidate(name: Candidate, n: number, file: string): Promise<void> {
  const { flattenRecord } = await flattened();
  const rows = function* () {
    for (let i = 0; i < n; i++) yield flattenRecord(benchRecord(i));
  };
  switch (name) {
    case "duckdb-copy": {
      // Stream flattened rows to an NDJSON spill, then let DuckDB convert it (constant memory).
      const spill = `${file}.spill.ndjson`;
      const out = createWriteStream(spill);
      let chunk = "";
      for (const row of rows()) {
        chunk += `${JSON.stringify(row)}\n`;
        if (chunk.length > 1 << 20) {
          if (!out.write(chunk)) await once(out, "drain");
          chunk = "";
        }
      }
      out.end(chunk);
      await once(out, "finish");
      const { DuckDBInstance } = await import("@duckdb/node-api");
      const db = await DuckDBInstance.create(":memory:");
      const con = await db.connect();
      await con.run(
        `COPY (SELECT * FROM read_ndjson('${spill}')) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`,
      );
      break;
    }
    case "nodejs-polars": {
      const pl = (await import("nodejs-polars")).default;
      pl.DataFrame([...rows()]).writeParquet(file, { compression: "zstd" });
      break;
    }
    case "parquet-wasm": {
      const arrow = await import("apache-arrow");
      const pw = await import("parquet-wasm");
      const table = arrow.tableFromJSON([...rows()] as Array<Record<string, unknown>>);
      const wasmTable = pw.Table.fromIPCStream(arrow.tableToIPC(table, "stream"));
      const bytes = pw.writeParquet(wasmTable);
      (await import("node:fs")).writeFileSync(file, bytes);
      break;
    }
    case "hyparquet-writer": {
      const hw = await import("hyparquet-writer");
      const all = [...rows()];
      const names = Object.keys(all[0]!);
      const columnData = names.map((name) => ({
        name,
        data: all.map((r) => (r[name] === undefined ? null : r[name])),
      }));
      hw.parquetWriteFile({ filename: file, columnData } as Parameters<typeof hw.parquetWriteFile>[0]);
      break;
    }
    case "parquetjs-lite": {
      const moduleName = "parquetjs-lite"; // a runtime name: the package ships no types
      const parquet = ((await import(moduleName)) as { default: unknown }).default as {
        ParquetSchema: new (s: Record<string, unknown>) => unknown;
        ParquetWriter: {
          openFile(
            schema: unknown,
            path: string,
          ): Promise<{ appendRow(r: unknown): Promise<void>; close(): Promise<void> }>;
        };
      };
      const first = rows().next().value!;
      const spec: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(first)) {
        spec[k] = {
          type: typeof v === "number" ? "DOUBLE" : typeof v === "boolean" ? "BOOLEAN" : "UTF8",
          optional: true,
        };
      }
      const writer = await parquet.ParquetWriter.openFile(new parquet.ParquetSchema(spec), file);
      for (const row of rows()) await writer.appendRow(row);
      await writer.close();
      break;
    }
  }
}

async function verify(file: string): Promise<{ duckdb: number | string; polars: number | string }> {
  let duckdb: number | string;
  let polars: number | string;
  try {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const con = await (await DuckDBInstance.create(":memory:")).connect();
    const result = await con.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${file}')`);
    duckdb = Number(result.getRowObjects()[0]?.n);
  } catch (error) {
    duckdb = `error: ${(error as Error).message.slice(0, 60)}`;
  }
  try {
    const pl = (await import("nodejs-polars")).default;
    polars = pl.readParquet(file).height;
  } catch (error) {
    polars = `error: ${(error as Error).message.slice(0, 60)}`;
  }
  return { duckdb, polars };
}

if (process.argv[2] === "--child") {
  const name = process.argv[4] as Candidate;
  const file = join(tmpdir(), `apikit-bench-${name}-${process.pid}.parquet`);
  const started = performance.now();
  await runCandidate(name, N, file);
  const ms = performance.now() - started;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const size = statSync(file).size;
  const read = await verify(file);
  process.stdout.write(JSON.stringify({ name, ms, peakRssMb, sizeMb: size / 1e6, ...read }));
} else {
  console.log(`Parquet writers, ${N.toLocaleString()} flattened nested records, one child process each`);
  const results = [];
  for (const name of CANDIDATES) {
    const child = spawnSync(
      process.execPath,
      ["--max-old-space-size=8192", import.meta.filename, "--child", String(N), name],
      {
        encoding: "utf8",
        timeout: 600_000,
      },
    );
    if (child.status !== 0) {
      results.push({
        name,
        error:
          (child.stderr || child.error?.message || "failed").split("\n").find((l) => l.trim()) ?? "failed",
      });
      continue;
    }
    results.push(JSON.parse(child.stdout));
  }
  console.table(results);
}
