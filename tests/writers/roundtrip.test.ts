// Every format, written by fetchToFile from a loopback API and read back by an independent reader,
// compared value by value with the source records: unicode, "" vs null, booleans, floats, integers
// beyond 2^53 and beyond int64, deep nesting, arrays, keys that differ between pages, an empty page
// in the middle, and a pull with zero records.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, useLoopback } from "../support/server.js";
import {
  duckColumns,
  duckQuery,
  exactParse,
  expectedCsvText,
  expectedTable,
  readArrow,
  readArrowWithPolars,
  readCsvText,
  readDuckTable,
  readJsonObjects,
  readParquet,
} from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));
const dir = mkdtempSync(join(tmpdir(), "apikit-roundtrip-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Raw page bodies, so the integers past 2^53 reach the client exactly as digits.
const PAGES = [
  `[{"id":1,"name":"Zoë 東京 🚀 \\"quoted\\", comma\\nnew line","note":"","gone":null,"active":true,"score":1.5,
    "big":9007199254740993,"huge":123456789012345678901234567890,"nested":{"a":{"b":{"c":"deep"}}},
    "tags":["x","y"],"objs":[{"k":1},{"k":null}],"mixed":1},
   {"id":2,"name":"","note":null,"active":false,"score":-0.25,"big":-9007199254740993,
    "nested":{"a":{"b":{"c":null}}},"tags":[],"mixed":2}]`,
  "[]",
  `[{"id":3,"name":"  leading space","late":"first seen on page 3","score":3,"mixed":"text now",
    "nested":{"a":{"x":1}},"active":null,"tags":["ü"]}]`,
];
const SOURCE = PAGES.flatMap((p) => exactParse(p) as unknown[]);

async function cursorApi(pages: string[]) {
  return serve((req, res) => {
    const i = Number(req.query.get("cursor") ?? 0);
    const more = i + 1 < pages.length;
    json(res, 200, `{"data":${pages[i]},"next_cursor":${more ? `"${i + 1}"` : "null"},"has_more":${more}}`);
  });
}

async function pull(format: string, pages = PAGES, name = `out.${format}`) {
  const server = await cursorApi(pages);
  const filePath = join(dir, `${Date.now()}-${Math.random().toString(36).slice(2)}-${name}`);
  const result = await client(server.url).fetchToFile("/items", {
    strategy: "cursor",
    dataPath: "data",
    hasMorePath: "has_more",
    filePath,
    format,
  });
  return { result, filePath, requests: server.requests.length };
}

describe("round trips through an independent reader", () => {
  const expected = expectedTable(SOURCE);

  it("ndjson and jsonl keep nesting and every value exactly (DuckDB reads them back)", async () => {
    for (const format of ["ndjson", "jsonl"]) {
      const { result, filePath, requests } = await pull(format);
      expect(requests).toBe(3);
      expect(result).toMatchObject({ records: 3, pages: 3, truncated: false, format });
      expect(await readJsonObjects(filePath, "newline_delimited")).toEqual(SOURCE);
    }
  });

  it("json is one array with nesting and exact values", async () => {
    const { result, filePath } = await pull("json");
    expect(result.records).toBe(3);
    expect(exactParse(readFileSync(filePath, "utf8"))).toEqual(SOURCE);
    expect(await readJsonObjects(filePath, "array")).toEqual(SOURCE);
  });

  it("parquet has every column of every page, typed and exact", async () => {
    const { result, filePath } = await pull("parquet");
    expect(result.records).toBe(3);
    const sql = `SELECT * FROM read_parquet('${filePath}')`;
    expect(await duckColumns(sql)).toEqual([
      { name: "id", type: "BIGINT" },
      { name: "name", type: "VARCHAR" },
      { name: "note", type: "VARCHAR" },
      { name: "gone", type: "VARCHAR" },
      { name: "active", type: "BOOLEAN" },
      { name: "score", type: "DOUBLE" },
      { name: "big", type: "BIGINT" },
      { name: "huge", type: "VARCHAR" },
      { name: "nested__a__b__c", type: "VARCHAR" },
      { name: "tags", type: "VARCHAR" },
      { name: "objs", type: "VARCHAR" },
      { name: "mixed", type: "VARCHAR" },
      { name: "late", type: "VARCHAR" },
      { name: "nested__a__x", type: "BIGINT" },
    ]);
    const rows = await readParquet(filePath);
    expect(rows).toEqual(expected.rows);
    expect(rows[0]).toMatchObject({
      big: 9007199254740993n,
      huge: "123456789012345678901234567890",
      note: "",
    });
    expect(rows[1]).toMatchObject({ note: null, name: "", big: -9007199254740993n, tags: "[]" });
    expect(rows[2]).toMatchObject({ late: "first seen on page 3", mixed: "text now", score: 3 });
  });

  it('csv keeps "" apart from null, quotes what needs quoting, and has every column', async () => {
    const { filePath } = await pull("csv");
    const text = readFileSync(filePath, "utf8");
    expect(text.split("\n")[0]).toBe(
      "id,name,note,gone,active,score,big,huge,nested__a__b__c,tags,objs,mixed,late,nested__a__x",
    );
    const csv = expectedCsvText(SOURCE);
    expect(await readCsvText(filePath)).toEqual(csv.rows);
  });

  it("arrow IPC reads back in apache-arrow and polars with the unified schema", async () => {
    const { filePath } = await pull("arrow");
    const { fields, rows } = readArrow(filePath);
    expect(fields.map((f) => f.name)).toEqual(expected.columns.map((c) => c.name));
    expect(fields.find((f) => f.name === "big")?.type).toBe("Int64");
    expect(fields.find((f) => f.name === "score")?.type).toBe("Float64");
    expect(rows).toEqual(expected.rows);
    const df = readArrowWithPolars(filePath);
    expect(df.height).toBe(3);
    expect(df.getColumn("name").toArray()).toEqual([
      'Zoë 東京 🚀 "quoted", comma\nnew line',
      "",
      "  leading space",
    ]);
    expect(df.getColumn("late").toArray()).toEqual([null, null, "first seen on page 3"]);
  });

  it("duckdb gets a typed table with every value", async () => {
    const { result, filePath } = await pull("duckdb");
    expect(result.records).toBe(3);
    expect(await readDuckTable(filePath)).toEqual(expected.rows);
  });
});

describe("a pull with zero records", () => {
  const EMPTY = ["[]"];
  it("writes a valid empty file in every format", async () => {
    expect(readFileSync((await pull("ndjson", EMPTY)).filePath, "utf8")).toBe("");
    expect(JSON.parse(readFileSync((await pull("json", EMPTY)).filePath, "utf8"))).toEqual([]);
    expect(readFileSync((await pull("csv", EMPTY)).filePath, "utf8")).toBe("");
    const parquet = await pull("parquet", EMPTY);
    expect(parquet.result.records).toBe(0);
    expect(await readParquet(parquet.filePath)).toEqual([]);
    const arrowFile = readArrow((await pull("arrow", EMPTY)).filePath);
    expect(arrowFile.rows).toEqual([]);
    expect(arrowFile.fields).toEqual([{ name: "value", type: "Utf8" }]);
    expect(await readDuckTable((await pull("duckdb", EMPTY)).filePath)).toEqual([]);
  });
});

describe('a column named "__proto__"', () => {
  // Only some rows have it: the others must read as null, not as Object.prototype.
  const PAGE = '[{"id":1},{"id":2,"__proto__":0.5},{"id":3,"__proto__":null}]';

  it("is null where a row lacks it, in csv, arrow and parquet", async () => {
    const csv = readFileSync((await pull("csv", [PAGE])).filePath, "utf8");
    expect(csv).toBe("id,__proto__\n1,\n2,0.5\n3,\n");
    const arrowPath = (await pull("arrow", [PAGE])).filePath;
    expect(readArrow(arrowPath).fields).toEqual([
      { name: "id", type: "Int64" },
      { name: "__proto__", type: "Float64" },
    ]);
    // Read by column: a row object cannot hold a "__proto__" key by assignment.
    const protos = readArrowWithPolars(arrowPath).getColumn("__proto__").toArray();
    expect(protos).toEqual([null, 0.5, null]);
    const parquet = await duckQuery(
      `SELECT "__proto__" AS p FROM read_parquet('${(await pull("parquet", [PAGE])).filePath}')`,
    );
    expect(parquet.map((r) => r.p)).toEqual([null, 0.5, null]);
  });
});
