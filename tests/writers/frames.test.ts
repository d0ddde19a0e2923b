// fetchPolars / fetchArrow and the plain conversions: a column first seen on a late page is there,
// types widen, big integers stay exact, flatten: false keeps structs.
import { afterEach, describe, expect, it } from "vitest";
import { Apikit, type ApikitOptions, DryRunResult } from "../../src/facade/index.js";
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
