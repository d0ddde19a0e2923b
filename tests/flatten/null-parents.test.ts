// One column set per path: a column that is only ever null (or missing) and the parent of another
// column (`shipping` beside `shipping__city`) is left out of the unified schema, at every level.
import { describe, expect, it } from "vitest";
import { flattenRecord, inferSchema, SchemaBuilder } from "../../src/flatten/index.js";

const built = (records: unknown[], sep?: string) =>
  new SchemaBuilder(sep === undefined ? {} : { sep }).addAll(
    records.map((r) => flattenRecord(r, sep === undefined ? {} : { sep })),
  );

describe("SchemaBuilder: null-only parents", () => {
  it("leaves out a parent that is null where other records have an object, keeping the order of the rest", () => {
    const schema = built([
      { id: 1, shipping: null, note: "a" },
      { id: 2, shipping: { city: "Oslo", zip: "0150" }, note: "b" },
    ]);
    expect(schema.columns).toEqual([
      { name: "id", type: "integer", nullable: false },
      { name: "note", type: "string", nullable: false },
      { name: "shipping__city", type: "string", nullable: true },
      { name: "shipping__zip", type: "string", nullable: true },
    ]);
    expect(schema.toObject()).toEqual({
      id: "integer",
      note: "string",
      shipping__city: "string",
      shipping__zip: "string",
    });
  });

  it("treats an empty object and a missing field like null", () => {
    const schema = built([{ shipping: {} }, { id: 2 }, { shipping: { city: "Oslo" } }]);
    expect(schema.columns).toEqual([
      { name: "id", type: "integer", nullable: true },
      { name: "shipping__city", type: "string", nullable: true },
    ]);
  });

  it("keeps a null-only column that is nobody's parent", () => {
    const schema = built([
      { id: 1, gone: null },
      { id: 2, gone: {} },
    ]);
    expect(schema.columns).toEqual([
      { name: "id", type: "integer", nullable: false },
      { name: "gone", type: "null", nullable: true },
    ]);
  });

  it("keeps a parent that holds a scalar somewhere, beside its children", () => {
    const schema = built([{ shipping: "none" }, { shipping: null }, { shipping: { city: "Oslo" } }]);
    expect(schema.columns).toEqual([
      { name: "shipping", type: "string", nullable: true },
      { name: "shipping__city", type: "string", nullable: true },
    ]);
  });

  it("keeps an array's JSON text in its own column beside an object's children at the same path", () => {
    const schema = built([{ tags: ["a", "b"] }, { tags: { main: "a" } }, { tags: null }]);
    expect(schema.columns).toEqual([
      { name: "tags", type: "string", nullable: true },
      { name: "tags__main", type: "string", nullable: true },
    ]);
  });

  it("leaves out every null-only ancestor level, and keeps an all-null leaf", () => {
    const schema = built([{ a: null }, { a: { b: null } }, { a: { b: { c: 1 } } }, { a: { b: {} } }]);
    expect(schema.columns.map((c) => c.name)).toEqual(["a__b__c"]);
    const leaves = built([{ a: null }, { a: { b: null } }]);
    expect(leaves.columns).toEqual([{ name: "a__b", type: "null", nullable: true }]);
  });

  it("keeps a scalar-holding middle level while dropping the null-only top", () => {
    const schema = built([{ a: null }, { a: { b: 5 } }, { a: { b: { c: true } } }]);
    expect(schema.columns).toEqual([
      { name: "a__b", type: "integer", nullable: true },
      { name: "a__b__c", type: "boolean", nullable: true },
    ]);
  });

  it("uses the separator it was given", () => {
    const records = [{ a: null }, { a: { b: 1 } }, { x: null, x__y: 2 }];
    expect(built(records, ".").columns.map((c) => c.name)).toEqual(["a.b", "x", "x__y"]);
    expect(built(records).columns.map((c) => c.name)).toEqual(["a__b", "x__y"]);
    const flat = records.map((r) => flattenRecord(r, { sep: "." }));
    // Told the wrong separator, it cannot tell "a.b" is a's child.
    expect(new SchemaBuilder().addAll(flat).columns.map((c) => c.name)).toEqual(["a", "a.b", "x__y"]);
    expect(inferSchema(flat, { sep: "." }).map((c) => c.name)).toEqual(["a.b", "x", "x__y"]);
  });

  it("finds parents at overlapping separators", () => {
    // "a___b" under "__": the separator starts at both of its underscores after "a".
    const schema = new SchemaBuilder().addAll([{ a: null, a_: null }, { a___b: 1 }]);
    expect(schema.columns.map((c) => c.name)).toEqual(["a___b"]);
  });

  it("leaves nothing out with an empty separator, where no name tells a parent", () => {
    const schema = built([{ a: null }, { a: { b: 1 } }], "");
    expect(schema.columns.map((c) => c.name)).toEqual(["a", "ab"]);
  });

  it("decides over all records, whichever builder saw the null and whichever the children", () => {
    const left = new SchemaBuilder().addAll([{ shipping: null }]);
    expect(left.columns.map((c) => c.name)).toEqual(["shipping"]);
    const right = new SchemaBuilder().addColumns(2, [["shipping__city", ["Oslo", null]]]);
    const merged = left.merge(right);
    expect(merged.columns).toEqual([{ name: "shipping__city", type: "string", nullable: true }]);
    expect(merged.recordCount).toBe(3);
  });
});
