// fetchToFile's promises: atomic (nothing at the target unless the pull completed), honest errors
// with progress, keepPartial in the same format, DuckDB replace/append, Writable destinations,
// dry runs, and the format registry.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { HttpError, OutputError } from "../../src/errors.js";
import {
  Apikit,
  type ApikitOptions,
  DryRunResult,
  type FetchOptions,
  type FileOutputOptions,
} from "../../src/facade/index.js";
import { FORMATS, formatFromPath, getWriter } from "../../src/writers/index.js";
import { json, makeRecords, useLoopback } from "../support/server.js";
import { duckQuery, readArrow, readDuckTable, readParquet } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));
const root = mkdtempSync(join(tmpdir(), "apikit-files-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => {
  const d = join(root, String(++n));
  return d;
};

/** Page-number API over `total` records, 10 per page; page `failAt` answers 500. */
async function pagedApi(total: number, failAt?: number) {
  const all = makeRecords(total);
  return serve((req, res) => {
    const page = Number(req.query.get("page") ?? 1);
    if (page === failAt) return json(res, 500, { error: "boom" });
    json(res, 200, { items: all.slice((page - 1) * 10, page * 10) });
  });
}

const options = <E extends FileOutputOptions & Partial<FetchOptions>>(extra: E) => ({
  strategy: "page" as const,
  pageSize: 10,
  dataPath: "items",
  ...extra,
});

describe("atomic writes", () => {
  it.each(FORMATS)(
    "%s: a failed pull leaves nothing at the target and says how far it got",
    async (format) => {
      const server = await pagedApi(100, 4);
      const dir = freshDir();
      const filePath = join(dir, `out.${format}`);
      const error = await client(server.url, { maxRetries: 0 })
        .fetchToFile("/items", options({ filePath, format }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpError);
      expect((error as HttpError).status).toBe(500);
      expect((error as HttpError).message).toContain("after 30 records in 3 pages");
      expect((error as HttpError).message).toContain(`nothing was written to ${filePath}`);
      expect((error as HttpError).progress).toEqual({ records: 30, pages: 3 });
      expect(existsSync(filePath)).toBe(false);
      expect(readdirSync(dir)).toEqual([]); // no temp or spill files left behind either
    },
  );

  it.each(FORMATS)(
    "%s: keepPartial keeps the fetched rows in <file>.partial, same format",
    async (format) => {
      const server = await pagedApi(100, 4);
      const dir = freshDir();
      const filePath = join(dir, `out.${format}`);
      const error = (await client(server.url, { maxRetries: 0 })
        .fetchToFile("/items", options({ filePath, format, keepPartial: true }))
        .catch((e: unknown) => e)) as HttpError;
      const partial = `${filePath}.partial`;
      expect(error.progress).toEqual({ records: 30, pages: 3, partialPath: partial });
      expect(error.message).toContain(`the 30 records fetched so far are in ${partial}`);
      expect(existsSync(filePath)).toBe(false);
      expect(readdirSync(dir)).toEqual([`out.${format}.partial`]);
      const ids = await idsIn(format, partial);
      expect(ids).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    },
  );

  it("replaces an existing file only when the new pull is complete", async () => {
    const dir = freshDir();
    const filePath = join(dir, "out.ndjson");
    const good = await pagedApi(25);
    const first = await client(good.url).fetchToFile("/items", options({ filePath }));
    expect(first).toMatchObject({ records: 25, pages: 4, format: "ndjson", path: filePath });
    expect(first.bytes).toBe(readFileSync(filePath).length);
    const bad = await pagedApi(100, 2);
    await expect(
      client(bad.url, { maxRetries: 0 }).fetchToFile("/items", options({ filePath })),
    ).rejects.toThrow(HttpError);
    expect(readFileSync(filePath, "utf8").trim().split("\n")).toHaveLength(25);
  });

  it("reports truncation at maxPages", async () => {
    const server = await pagedApi(100);
    const filePath = join(freshDir(), "out.csv");
    const result = await client(server.url).fetchToFile("/items", options({ filePath, maxPages: 2 }));
    expect(result).toMatchObject({ records: 20, pages: 2, truncated: true });
  });
});

async function idsIn(format: string, path: string): Promise<number[]> {
  switch (format) {
    case "ndjson":
    case "jsonl":
      return readFileSync(path, "utf8")
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { id: number }).id);
    case "json":
      return (JSON.parse(readFileSync(path, "utf8")) as Array<{ id: number }>).map((r) => r.id);
    case "csv":
      return (await duckQuery(`SELECT id FROM read_csv('${path}', header = true)`)).map((r) => Number(r.id));
    case "parquet":
      return (await readParquet(path)).map((r) => Number(r.id));
    case "arrow":
      return readArrow(path).rows.map((r) => Number(r.id));
    default:
      return (await readDuckTable(path)).map((r) => Number(r.id));
  }
}

describe("DuckDB output into an existing database", () => {
  it("appends with new columns, replaces on request, and leaves other tables alone", async () => {
    const dir = freshDir();
    const filePath = join(dir, "warehouse.duckdb");
    const first = await serve((_req, res) => json(res, 200, [{ id: 1, name: "a" }]));
    await client(first.url).fetchToFile("/", { filePath, table: "items", paginate: false });
    const other = await serve((_req, res) => json(res, 200, [{ x: true }]));
    await client(other.url).fetchToFile("/", { filePath, table: "other", paginate: false });
    const second = await serve((_req, res) => json(res, 200, [{ id: 2, extra: 2.5 }]));
    await client(second.url).fetchToFile("/", { filePath, table: "items", mode: "append", paginate: false });
    expect(await readDuckTable(filePath, "items")).toEqual([
      { id: 1n, name: "a", extra: null },
      { id: 2n, name: null, extra: 2.5 },
    ]);
    await client(second.url).fetchToFile("/", { filePath, table: "items", mode: "replace", paginate: false });
    expect(await readDuckTable(filePath, "items")).toEqual([{ id: 2n, extra: 2.5 }]);
    expect(await readDuckTable(filePath, "other")).toEqual([{ x: true }]);
    expect(readdirSync(dir)).toEqual(["warehouse.duckdb"]);
  });

  it("widens an existing column when appended data needs it", async () => {
    const filePath = join(freshDir(), "w.duckdb");
    const ints = await serve((_req, res) => json(res, 200, [{ v: 1 }]));
    await client(ints.url).fetchToFile("/", { filePath, paginate: false });
    const text = await serve((_req, res) => json(res, 200, [{ v: "one" }]));
    await client(text.url).fetchToFile("/", { filePath, mode: "append", paginate: false });
    expect(await readDuckTable(filePath)).toEqual([{ v: "1" }, { v: "one" }]);
  });

  it("a database that is not DuckDB is an OutputError and stays as it was", async () => {
    const filePath = join(freshDir(), "not-a-db.duckdb");
    mkdirSync(join(filePath, ".."), { recursive: true });
    writeFileSync(filePath, "plain text, not a database");
    const server = await serve((_req, res) => json(res, 200, [{ v: 1 }]));
    const error = await client(server.url)
      .fetchToFile("/", { filePath, paginate: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).message).toContain(filePath);
    expect(readFileSync(filePath, "utf8")).toBe("plain text, not a database");
    expect(readdirSync(join(filePath, ".."))).toEqual(["not-a-db.duckdb"]);
  });
});

describe("getWriter", () => {
  it("is case-insensitive and rejects unknown formats naming the supported ones", () => {
    expect(getWriter("PARQUET").format).toBe("parquet");
    expect(getWriter(" Csv ").format).toBe("csv");
    expect(() => getWriter("xlsx")).toThrow(OutputError);
    expect(() => getWriter("xlsx")).toThrow(
      /Unknown output format "xlsx".*parquet, ndjson, jsonl, csv, arrow, json, duckdb/,
    );
  });

  it("writes plain records or pages to a Node Writable without ending it", async () => {
    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on("data", (c: Buffer) => chunks.push(c));
    const pages = async function* () {
      yield [{ a: 1 }];
      yield { records: [{ a: 2, b: { c: "x" } }] };
    };
    const result = await getWriter("csv").write(pages(), out);
    expect(result).toEqual({ records: 2, bytes: Buffer.concat(chunks).length });
    expect(Buffer.concat(chunks).toString()).toBe("a,b__c\n1,\n2,x\n");
    expect(out.writableEnded).toBe(false);
    const nd = new PassThrough();
    const text: string[] = [];
    nd.on("data", (c: Buffer) => text.push(c.toString()));
    await getWriter("ndjson").write([{ a: 1 }, { a: [1, 2] }], nd);
    expect(text.join("")).toBe('{"a":1}\n{"a":[1,2]}\n');
  });

  it("streams a binary format into a Writable", async () => {
    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on("data", (c: Buffer) => chunks.push(c));
    const result = await getWriter("parquet").write([{ id: 1 }, { id: 2 }], out);
    const bytes = Buffer.concat(chunks);
    expect(result.bytes).toBe(bytes.length);
    expect(bytes.subarray(0, 4).toString()).toBe("PAR1");
    const path = join(root, "from-stream.parquet");
    writeFileSync(path, bytes);
    expect((await readParquet(path)).map((r) => r.id)).toEqual([1n, 2n]);
  });

  it("maps file extensions to formats", () => {
    expect(formatFromPath("a/b.PARQUET")).toBe("parquet");
    expect(formatFromPath("x.jsonl")).toBe("jsonl");
    expect(formatFromPath("x.db")).toBe("duckdb");
    expect(formatFromPath("x.txt")).toBeUndefined();
  });
});

describe("fetchToFile options", () => {
  it("dryRun describes the request and writes nothing", async () => {
    const server = await pagedApi(10);
    const filePath = join(freshDir(), "out.parquet");
    const result = await client(server.url, { token: "sekrit-token-1234" }).fetchToFile(
      "/items",
      options({ filePath, dryRun: true }),
    );
    expect(result).toBeInstanceOf(DryRunResult);
    expect(JSON.stringify(result)).not.toContain("sekrit-token-1234");
    expect(server.requests).toHaveLength(0);
    expect(existsSync(filePath)).toBe(false);
  });

  it("needs a format it can tell, and says so before fetching", async () => {
    const server = await pagedApi(10);
    const api = client(server.url);
    await expect(api.fetchToFile("/items", { filePath: join(root, "x.txt") })).rejects.toThrow(
      /Cannot tell the output format from ".*x\.txt": pass format/,
    );
    await expect(api.fetchToFile("/items", { filePath: join(root, "x.out"), format: "xml" })).rejects.toThrow(
      OutputError,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("creates missing parent folders", async () => {
    const server = await pagedApi(5);
    const filePath = join(freshDir(), "a", "b", "out.json");
    const result = await client(server.url).fetchToFile("/items", options({ filePath }));
    expect(result.records).toBe(5);
    expect(JSON.parse(readFileSync(filePath, "utf8"))).toHaveLength(5);
  });
});
