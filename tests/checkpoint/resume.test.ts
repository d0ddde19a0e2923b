// Resumable pulls: a child process running fetchToFile with a checkpoint is SIGKILLed at a random
// page, run again, and the final file must equal an uninterrupted run's, record for record.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/demo/random.js";
import { OutputError } from "../../src/errors.js";
import { Apikit } from "../../src/facade/index.js";
import { json, startServer, type TestServer } from "../support/server.js";
import { duckQuery, readDuckTable } from "../writers/support.js";

const CHILD = join(import.meta.dirname, "pull-child.mjs");
const TOTAL = 300;
const RECORDS = Array.from({ length: TOTAL }, (_, i) => ({
  id: i + 1,
  name: `record ${i + 1} ✓`,
  nested: { even: i % 2 === 0, tags: i % 3 === 0 ? [] : ["a", "b"] },
  ...(i >= 250 ? { late: `only from record 251 (${i})` } : {}),
}));

let server: TestServer;
/** Requests seen per run prefix, so the test knows when to kill which child. */
const seen = new Map<string, number>();
const watchers = new Map<string, { at: number; fire: () => void }>();

beforeAll(async () => {
  server = await startServer(async (req, res) => {
    await new Promise((r) => setTimeout(r, 3));
    const url = new URL(req.url, "http://x");
    const [, run, strategy] = url.pathname.split("/");
    const count = (seen.get(run!) ?? 0) + 1;
    seen.set(run!, count);
    const watcher = watchers.get(run!);
    if (watcher && count >= watcher.at) {
      watchers.delete(run!);
      watcher.fire();
    }
    const q = url.searchParams;
    const base = `/${run}/${strategy}`;
    switch (strategy) {
      case "offset": {
        const offset = Number(q.get("offset") ?? 0);
        return json(res, 200, {
          items: RECORDS.slice(offset, offset + Number(q.get("limit") ?? 10)),
          total: TOTAL,
        });
      }
      case "page": {
        const page = Number(q.get("page") ?? 1);
        return json(res, 200, { items: RECORDS.slice((page - 1) * 10, page * 10), pages: TOTAL / 10 });
      }
      case "relay": {
        // A Relay connection: `after` is the index of the last node sent.
        const variables =
          (JSON.parse(req.body) as { variables?: { after?: string; first?: number } }).variables ?? {};
        const at = variables.after ? Number(variables.after) : 0;
        const nodes = RECORDS.slice(at, at + (variables.first ?? 10));
        return json(res, 200, {
          data: {
            items: {
              edges: nodes.map((node) => ({ node })),
              pageInfo: { hasNextPage: at + nodes.length < TOTAL, endCursor: String(at + nodes.length) },
            },
          },
        });
      }
      case "cursor": {
        const at = Number(q.get("cursor") ?? 0);
        const more = at + 10 < TOTAL;
        return json(res, 200, {
          items: RECORDS.slice(at, at + 10),
          next_cursor: more ? String(at + 10) : null,
          has_more: more,
        });
      }
      default: {
        const page = Number(q.get("p") ?? 1);
        const headers: Record<string, string> =
          page * 10 < TOTAL ? { link: `<http://${req.headers.host}${base}?p=${page + 1}>; rel="next"` } : {};
        return json(res, 200, { items: RECORDS.slice((page - 1) * 10, page * 10) }, headers);
      }
    }
  });
});
afterAll(() => server.close());

let runs = 0;
function pull(
  strategy: string,
  format: string,
  file: string,
  checkpoint: string,
  killAt?: number,
  run = `run${++runs}`,
) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => {
      const child = spawn(process.execPath, [
        CHILD,
        `${server.url}/${run}`,
        strategy,
        format,
        file,
        checkpoint,
      ]);
      if (killAt !== undefined) watchers.set(run, { at: killAt, fire: () => child.kill("SIGKILL") });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d));
      child.stderr.on("data", (d: Buffer) => (stderr += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    },
  );
}

async function rows(format: string, file: string): Promise<unknown> {
  switch (format) {
    case "parquet":
      return duckQuery(`SELECT * FROM read_parquet('${file}')`);
    case "duckdb":
      return readDuckTable(file);
    default:
      return readFile(file, "utf8");
  }
}

// A seeded choice of kill points (mulberry32), so a failure can be replayed.

describe("resumable pulls", () => {
  const random = mulberry32(7);
  const cases: Array<[string, string]> = [
    ["cursor", "ndjson"],
    ["link", "csv"],
    ["offset", "parquet"],
    ["page", "duckdb"],
    ["offset", "jsonl"],
    ["cursor", "arrow"],
    ["link", "json"],
    ["auto", "ndjson"],
    ["relay", "parquet"],
  ];
  it.each(cases)(
    "%s → %s: killed at a random page and run again, the file equals an uninterrupted run",
    async (strategy, format) => {
      const dir = await mkdtemp(join(tmpdir(), "apikit-resume-"));
      const reference = join(dir, `reference.${format}`);
      const ok = await pull(strategy, format, reference, join(dir, "reference.checkpoint.json"));
      expect(ok.code, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ records: TOTAL });

      const file = join(dir, `resumed.${format}`);
      const checkpoint = join(dir, "state", "checkpoint.json");
      const killAt = 3 + Math.floor(random() * 20);
      const run = `run${++runs}`;
      const killed = await pull(strategy, format, file, checkpoint, killAt, run);
      expect(killed.signal).toBe("SIGKILL");
      expect(existsSync(file)).toBe(false);
      const saved = JSON.parse(await readFile(checkpoint, "utf8")) as {
        pages: number;
        records: number;
        next: unknown;
        strategy?: { name: string };
      };
      // An `auto` pull records what it detected, so the resumed run does not detect again mid-way.
      if (strategy === "auto") expect(saved.strategy?.name).toBe("link");
      expect(saved.records).toBe(saved.pages * 10);
      expect(saved.next).not.toBeNull();
      const resumedFrom = saved.pages;

      // The same pull (same URL), run again: it resumes.
      const again = await pull(strategy, format, file, checkpoint, undefined, run);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ records: TOTAL, pages: TOTAL / 10 });
      expect(await rows(format, file)).toEqual(await rows(format, reference));
      // Checkpoint and journal are gone once the file is complete.
      expect(existsSync(checkpoint)).toBe(false);
      expect((await readdir(dir)).filter((f) => f.startsWith("."))).toEqual([]);
      expect(resumedFrom).toBeGreaterThan(0);
    },
  );

  it("refuses a checkpoint written for another pull, with a clear error", async () => {
    const dir = await mkdtemp(join(tmpdir(), "apikit-resume-"));
    const checkpoint = join(dir, "c.json");
    const killed = await pull("cursor", "ndjson", join(dir, "a.ndjson"), checkpoint, 4);
    expect(killed.signal).toBe("SIGKILL");
    const client = new Apikit({ baseUrl: `${server.url}/other` });
    const error = await client
      .fetchToFile("/offset", {
        strategy: "offset",
        dataPath: "items",
        filePath: join(dir, "a.ndjson"),
        checkpoint,
      })
      .catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toMatch(
      /The checkpoint .*c\.json was written for a different pull \(http:\/\/127\.0\.0\.1:\d+\/run\d+\/cursor/,
    );
    await writeFile(checkpoint, "{ not json");
    const broken = new Apikit({ baseUrl: server.url });
    await expect(broken.fetchToFile("/x", { filePath: join(dir, "a.ndjson"), checkpoint })).rejects.toThrow(
      /not valid JSON/,
    );
    await broken.close();
  });

  it("stops on a damaged checkpoint with an OutputError naming the file and each wrong field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "apikit-resume-"));
    const checkpoint = join(dir, "c.json");
    const damaged = {
      apikit: "checkpoint",
      version: 1,
      fingerprint: "f",
      pull: { url: server.url, format: "ndjson", target: join(dir, "a.ndjson") },
      next: { method: "GET", url: 42 },
      pages: 1,
      records: 10,
      truncated: false,
      journal: join(dir, ".a.ndjson.journal.ndjson"),
      journalBytes: -1,
      updatedAt: new Date().toISOString(),
    };
    await writeFile(checkpoint, JSON.stringify(damaged));
    const client = new Apikit({ baseUrl: server.url });
    const error = await client
      .fetchToFile("/x", { filePath: join(dir, "a.ndjson"), checkpoint })
      .catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(OutputError);
    const message = (error as Error).message;
    expect(message).toContain(`The checkpoint ${checkpoint} is damaged`);
    expect(message).toMatch(/- next\.url: /);
    expect(message).toMatch(/- journalBytes: /);
    // Nothing was resumed or written.
    expect(await readdir(dir)).toEqual(["c.json"]);
  });
});
