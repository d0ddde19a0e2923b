// fetchPolars / fetchArrow and the plain conversions: a column first seen on a late page is there,
// types widen, big integers stay exact, flatten: false keeps structs.
import pl from "nodejs-polars";
import { afterEach, describe, expect, it } from "vitest";
import { Apikit, type ApikitOptions, DryRunResult } from "../../src/facade/index.js";
import { toJson } from "../../src/flatten/index.js";
import { recordsToArrow, recordsToPolars } from "../../src/writers/index.js";
import { json, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

/** 60 pages of one record; page 50 brings a new column and a float into an integer column. */
async function lateColumnApi() {
  return serve((req, res) => {
    const page = Number(req.query.get("page") ?? 1);
    if (page > 60) return json(res, 200, { items: [] });
    const record: Record<string, unknown> = { id: page, amount: page, owner: { login: `u${page}` } };
    if (page === 50) {
      record.late = "hello";
      record.amount = 50.5;
    }
    json(res, 200, { items: [record] });
  });
}
const pageOpts = { strategy: "page", pageSize: 1, dataPath: "items" } as const;

describe("fetchPolars", () => {
  it("unifies the schema over every page", async () => {
    const server = await lateColumnApi();
    const df = await client(server.url).fetchPolars("/items", pageOpts);
    expect(df.height).toBe(60);
    expect(df.columns).toEqual(["id", "amount", "owner__login", "late"]);
    expect(String(df.getColumn("amount").dtype)).toBe("DataType(Float64)");
    expect(String(df.getColumn("id").dtype)).toBe("DataType(Int64)");
    const late = df.getColumn("late").toArray();
    expect(late.filter((v) => v !== null)).toEqual(["hello"]);
    expect(late.indexOf("hello")).toBe(49);
    expect(df.getColumn("amount").toArray()[49]).toBe(50.5);
  });

  it("keeps nested structs with flatten: false", async () => {
    const server = await lateColumnApi();
    const df = await client(server.url).fetchPolars("/items", { ...pageOpts, flatten: false, maxPages: 3 });
    expect(df.columns).toEqual(["id", "amount", "owner"]);
    expect(String(df.getColumn("owner").dtype)).toContain("Struct");
    expect(df.getColumn("owner").toArray()[2]).toEqual({ login: "u3" });
  });

  it("dryRun fetches nothing", async () => {
    const server = await lateColumnApi();
    const result = await client(server.url).fetchPolars("/items", { ...pageOpts, dryRun: true });
    expect(result).toBeInstanceOf(DryRunResult);
    expect(server.requests).toHaveLength(0);
  });
});

describe("fetchArrow", () => {
  it("returns a Table with every column and exact integers", async () => {
    const server = await serve((_req, res) =>
      json(res, 200, '[{"id":9007199254740993,"a":{"b":true}},{"id":1,"c":"x"}]'),
    );
    const table = await client(server.url).fetchArrow("/", { paginate: false });
    expect(table.numRows).toBe(2);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      "id:Int64",
      "a__b:Bool",
      "c:Utf8",
    ]);
    expect(table.getChild("id")?.toArray()).toEqual(new BigInt64Array([9007199254740993n, 1n]));
    expect(table.get(1)?.toJSON()).toEqual({ id: 1n, a__b: null, c: "x" });
  });
});

/** 20 pages of 1 000: after record 18 000 `amount` turns float, a column and a nested field appear. */
async function manyPagesApi() {
  return serve((req, res) => {
    const page = Number(req.query.get("page") ?? 1);
    if (page > 20) return json(res, 200, { items: [] });
    const items = Array.from({ length: 1000 }, (_, i) => {
      const n = (page - 1) * 1000 + i;
      const late = n >= 18_000;
      return {
        id: n,
        amount: late ? n + 0.5 : n,
        name: n % 3 === 0 ? "" : n % 3 === 1 ? null : `Zoë ${n}`,
        owner: late ? { login: `u${n}`, since: n } : { login: `u${n}` },
        ...(late ? { late: `big ${n}`, big: 9007199254740993n + BigInt(n) } : {}),
      };
    });
    // Bigints as digits, as an API sends them.
    json(res, 200, toJson({ items }));
  });
}

describe("frames built page by page", () => {
  it("type every column over all pages, beyond the first batches", async () => {
    const server = await manyPagesApi();
    const options = { strategy: "page", pageSize: 1000, dataPath: "items" } as const;
    const df = await client(server.url).fetchPolars("/items", options);
    expect(df.height).toBe(20_000);
    expect(df.columns).toEqual(["id", "amount", "name", "owner__login", "owner__since", "late", "big"]);
    expect(df.dtypes.map(String)).toEqual([
      "DataType(Int64)",
      "DataType(Float64)",
      "DataType(String)",
      "DataType(String)",
      "DataType(Int64)",
      "DataType(String)",
      "DataType(Int64)",
    ]);
    expect(df.getColumn("amount").toArray().slice(17_999, 18_001)).toEqual([17_999, 18_000.5]);
    expect(df.getColumn("name").toArray().slice(0, 3)).toEqual(["", null, "Zoë 2"]);
    expect(df.getColumn("late").toArray()[17_999]).toBeNull();
    expect(df.getColumn("big").cast(pl.Utf8).toArray().slice(19_998)).toEqual([
      String(9007199254740993n + 19_998n),
      String(9007199254740993n + 19_999n),
    ]);

    const table = await client(server.url).fetchArrow("/items", options);
    expect(table.numRows).toBe(20_000);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      "id:Int64",
      "amount:Float64",
      "name:Utf8",
      "owner__login:Utf8",
      "owner__since:Int64",
      "late:Utf8",
      "big:Int64",
    ]);
    expect(table.getChild("big")?.get(19_999)).toBe(9007199254740993n + 19_999n);
    expect(table.getChild("amount")?.get(0)).toBe(0);
  });

  it("keep late nested fields as struct fields with flatten: false", async () => {
    const server = await manyPagesApi();
    const df = await client(server.url).fetchPolars("/items", {
      strategy: "page",
      pageSize: 1000,
      dataPath: "items",
      flatten: false,
    });
    expect(df.height).toBe(20_000);
    expect(df.getColumn("owner").toArray()[19_999]).toEqual({ login: "u19999", since: 19_999 });
    expect(df.getColumn("owner").toArray()[0]).toEqual({ login: "u0", since: null });
  });
});

describe("recordsToPolars and recordsToArrow", () => {
  it("convert plain records, empty input included", async () => {
    const df = await recordsToPolars([
      { a: 1, b: { c: "x" } },
      { a: 2.5, d: [1, 2] },
    ]);
    expect(df.columns).toEqual(["a", "b__c", "d"]);
    expect(df.getColumn("a").toArray()).toEqual([1, 2.5]);
    expect(df.getColumn("d").toArray()).toEqual([null, "[1,2]"]);
    expect((await recordsToPolars([])).height).toBe(0);
    const table = await recordsToArrow([{ x: "ü" }], { sep: "." });
    expect(table.toArray().map((r) => r.toJSON())).toEqual([{ x: "ü" }]);
    expect((await recordsToArrow([{ a: { b: 1 } }], { sep: "." })).schema.fields[0]?.name).toBe("a.b");
  });
});
