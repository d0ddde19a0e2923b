// One column set per path in every tabular output: a field that is null (or {}, or missing) in some
// records and an object in others gives only the object's child columns, never an all-null parent
// column beside them; a parent with a scalar or an array somewhere keeps its column.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import {
  getWriter,
  inferPolarsSchema,
  pagesToArrow,
  pagesToPolars,
  recordsToArrow,
  recordsToPolars,
} from "../../src/writers/index.js";
import { json, useLoopback } from "../support/server.js";
import { readArrow, readCsvText, readDuckTable, readParquet } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));
const root = mkdtempSync(join(tmpdir(), "apikit-null-parents-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** Every value as text (null stays null), so readers that type integers differently compare alike. */
const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
const textRows = (rows: Array<Record<string, unknown>>) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, text(v)])));

interface Case {
  what: string;
  records: unknown[];
  sep?: string;
  /** The rows every tabular output holds, as text, their keys in column order. */
  rows: Array<Record<string, string | null>>;
}

const CASES: Case[] = [
  {
    what: "a null parent beside an object",
    records: [
      { id: 1, shipping: null },
      { id: 2, shipping: { city: "Oslo", zip: "0150" } },
    ],
    rows: [
      { id: "1", shipping__city: null, shipping__zip: null },
      { id: "2", shipping__city: "Oslo", shipping__zip: "0150" },
    ],
  },
  {
    what: "an empty object and a missing field where others have an object",
    records: [{ id: 1, shipping: {} }, { id: 2 }, { id: 3, shipping: { city: "Oslo" } }],
    rows: [
      { id: "1", shipping__city: null },
      { id: "2", shipping__city: null },
      { id: "3", shipping__city: "Oslo" },
    ],
  },
  {
    what: "a custom separator",
    sep: ".",
    records: [
      { id: 1, shipping: null, x__y: 5, x: null },
      { id: 2, shipping: { city: "Oslo" } },
    ],
    // "x__y" is not x's child under ".": the null-only x keeps its column.
    rows: [
      { id: "1", x__y: "5", x: null, "shipping.city": null },
      { id: "2", x__y: null, x: null, "shipping.city": "Oslo" },
    ],
  },
  {
    what: "a parent with a scalar somewhere (kept beside its children)",
    records: [{ shipping: "none" }, { shipping: null }, { shipping: { city: "Oslo" } }],
    rows: [
      { shipping: "none", shipping__city: null },
      { shipping: null, shipping__city: null },
      { shipping: null, shipping__city: "Oslo" },
    ],
  },
  {
    what: "an array in one record and an object in another at one path",
    records: [{ tags: ["a", "b"] }, { tags: { main: "a" } }, { tags: {} }],
    rows: [
      { tags: '["a","b"]', tags__main: null },
      { tags: null, tags__main: "a" },
      { tags: null, tags__main: null },
    ],
  },
  {
    what: "every null-only ancestor level",
    records: [{ a: null }, { a: { b: null } }, { a: { b: {} } }, { a: { b: { c: 1 } } }],
    rows: [{ a__b__c: null }, { a__b__c: null }, { a__b__c: null }, { a__b__c: "1" }],
  },
];

async function writeAndRead(
  format: "csv" | "parquet" | "arrow" | "duckdb",
  records: unknown[],
  sep?: string,
) {
  const path = join(root, `${++n}.${format}`);
  await getWriter(format).write(records, path, sep === undefined ? {} : { sep });
  if (format === "csv") return readCsvText(path);
  if (format === "parquet") return readParquet(path);
  if (format === "arrow") return readArrow(path).rows;
  return readDuckTable(path);
}

describe.each(CASES)("$what", ({ records, sep, rows }) => {
  const options = sep === undefined ? {} : { sep };
  const names = Object.keys(rows[0]!);

  it("recordsToArrow holds only the child columns, with every value", async () => {
    const table = await recordsToArrow(records, options);
    expect(table.schema.fields.map((f) => f.name)).toEqual(names);
    expect(textRows(table.toArray().map((r) => r.toJSON()))).toEqual(rows);
  });

  it("recordsToPolars and inferPolarsSchema hold only the child columns", async () => {
    const frame = await recordsToPolars(records, options);
    expect(frame.columns).toEqual(names);
    expect(textRows(frame.toRecords() as Array<Record<string, unknown>>)).toEqual(rows);
    expect(Object.keys(await inferPolarsSchema(records, options))).toEqual(names);
  });

  it.each(["csv", "parquet", "arrow", "duckdb"] as const)(
    "the %s file holds the same table",
    async (format) => {
      const read = await writeAndRead(format, records, sep);
      expect(textRows(read)).toEqual(rows);
      expect(Object.keys(read[0]!)).toEqual(names);
    },
  );
});

describe("null parents across batch boundaries", () => {
  const records = [
    { shipping: null },
    { shipping: null },
    { id: 3, shipping: { city: "Oslo" } },
    { id: 4, shipping: {} },
    { id: 5 },
    { shipping: null },
  ];
  const rows = [
    { id: null, shipping__city: null },
    { id: null, shipping__city: null },
    { id: "3", shipping__city: "Oslo" },
    { id: "4", shipping__city: null },
    { id: "5", shipping__city: null },
    { id: null, shipping__city: null },
  ];
  // Pages of one record; with batches of one or two rows, the first batch (and with one, the last)
  // holds only the parent, the object comes in a later one.
  async function* pages() {
    for (const record of records) yield { records: [record] };
  }

  it.each([1, 2, 4])("pagesToArrow with batches of %i rows", async (batchRows) => {
    const table = await pagesToArrow(pages(), { batchRows });
    expect(table.batches.length).toBe(Math.ceil(records.length / batchRows));
    expect(table.schema.fields.map((f) => f.name)).toEqual(["id", "shipping__city"]);
    expect(textRows(table.toArray().map((r) => r.toJSON()))).toEqual(rows);
  });

  it.each([1, 2, 4])("pagesToPolars with batches of %i rows", async (batchRows) => {
    const frame = await pagesToPolars(pages(), { batchRows });
    expect(frame.columns).toEqual(["id", "shipping__city"]);
    expect(String(frame.getColumn("shipping__city").dtype)).toBe("DataType(String)");
    expect(String(frame.getColumn("id").dtype)).toBe("DataType(Int64)");
    expect(textRows(frame.toRecords() as Array<Record<string, unknown>>)).toEqual(rows);
  });
});

describe("through the client", () => {
  it("fetchToFile and fetchArrow leave out the null parent with a custom sep", async () => {
    const items = [
      { id: 1, shipping: null },
      { id: 2, shipping: { city: "Oslo" } },
      { id: 3, shipping: {} },
    ];
    const server = await serve((req, res) => {
      const page = Number(req.query.get("page") ?? 1);
      json(res, 200, { items: items.slice(page - 1, page) });
    });
    const api = client(server.url);
    const options = { strategy: "page", pageSize: 1, dataPath: "items", sep: "." } as const;
    const expected = [
      { id: "1", "shipping.city": null },
      { id: "2", "shipping.city": "Oslo" },
      { id: "3", "shipping.city": null },
    ];
    const filePath = join(root, `${++n}.parquet`);
    await api.fetchToFile("/items", { ...options, filePath });
    expect(textRows(await readParquet(filePath))).toEqual(expected);
    const table = await api.fetchArrow("/items", options);
    expect(textRows(table.toArray().map((r) => r.toJSON()))).toEqual(expected);
  });
});
