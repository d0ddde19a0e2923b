import { describe, expect, it } from "vitest";
import { OutputError } from "../../src/errors.js";
import {
  flattenInto,
  flattenRecord,
  flattenRecords,
  inferSchema,
  SchemaBuilder,
  widenType,
} from "../../src/flatten/index.js";

describe("flattenRecord", () => {
  it("joins nested keys with a double underscore", () => {
    expect(flattenRecord({ id: 1, user: { name: "Ada", dept: { code: "ENG" } } })).toEqual({
      id: 1,
      user__name: "Ada",
      user__dept__code: "ENG",
    });
  });

  it("turns arrays into compact JSON strings", () => {
    expect(flattenRecord({ tags: ["a", "b"], pts: [{ x: 1 }] })).toEqual({
      tags: '["a","b"]',
      pts: '[{"x":1}]',
    });
  });

  it("keeps an empty nested object's column as null", () => {
    expect(flattenRecord({ a: {}, b: 1 })).toEqual({ a: null, b: 1 });
  });

  it("stops expanding at maxDepth and keeps the rest as JSON", () => {
    expect(flattenRecord({ a: { b: { c: 1 } } }, { maxDepth: 1 })).toEqual({ a: '{"b":{"c":1}}' });
    expect(flattenRecord({ a: { b: { c: 1 } } }, { maxDepth: 2 })).toEqual({ a__b: '{"c":1}' });
  });

  it("wraps a non-object record as { value }", () => {
    expect(flattenRecord(5)).toEqual({ value: 5 });
    expect(flattenRecord("x")).toEqual({ value: "x" });
    expect(flattenRecord(null)).toEqual({ value: null });
    expect(flattenRecord([1, 2])).toEqual({ value: "[1,2]" });
  });

  it("writes bigints inside arrays with their exact digits", () => {
    expect(flattenRecord({ ids: [12345678901234567890n, 1] })).toEqual({ ids: "[12345678901234567890,1]" });
  });

  it("keeps bigints, booleans, empty strings and nulls as they are", () => {
    expect(flattenRecord({ big: 2n ** 64n, t: true, e: "", n: null })).toEqual({
      big: 2n ** 64n,
      t: true,
      e: "",
      n: null,
    });
  });

  it("drops undefined values", () => {
    expect(flattenRecord({ a: undefined, b: { c: undefined, d: 1 } })).toEqual({ b__d: 1 });
  });

  it("keeps unicode keys and values", () => {
    expect(flattenRecord({ naïve: { 日本: "東京 🚀" } })).toEqual({ naïve__日本: "東京 🚀" });
  });

  it("uses a custom separator", () => {
    expect(flattenRecord({ a: { b: 1 } }, { sep: "." })).toEqual({ "a.b": 1 });
  });

  it("flattens many records", () => {
    expect(flattenRecords([{ a: { b: 1 } }, { a: { b: 2 } }])).toEqual([{ a__b: 1 }, { a__b: 2 }]);
  });
});

describe("widenType", () => {
  it.each([
    ["null", "integer", "integer"],
    ["integer", "null", "integer"],
    ["integer", "float", "float"],
    ["integer", "bigint", "bigint"],
    ["bigint", "float", "string"],
    ["boolean", "integer", "string"],
    ["float", "string", "string"],
    ["boolean", "boolean", "boolean"],
  ] as const)("widens %s with %s to %s", (a, b, expected) => {
    expect(widenType(a, b)).toBe(expected);
  });
});

describe("inferSchema", () => {
  it("marks a column nullable when it first appears late", () => {
    const records = Array.from({ length: 50 }, (_, i) => (i === 49 ? { id: i, late: "x" } : { id: i }));
    expect(inferSchema(records)).toEqual([
      { name: "id", type: "integer", nullable: false },
      { name: "late", type: "string", nullable: true },
    ]);
  });

  it("looks at every record, so a change in the last one widens the type", () => {
    const records = [...Array.from({ length: 10_000 }, (_, i) => ({ v: i })), { v: 0.5 }];
    expect(inferSchema(records)[0]?.type).toBe("float");
  });

  it("merges two builders", () => {
    const a = new SchemaBuilder().addAll([{ x: 1 }]);
    const b = new SchemaBuilder().addAll([{ x: 1.5, y: true }]);
    expect(a.merge(b).columns).toEqual([
      { name: "x", type: "float", nullable: false },
      { name: "y", type: "boolean", nullable: true },
    ]);
    expect(a.recordCount).toBe(2);
  });
});

describe("flattenInto on a circular record", () => {
  it("stops at the cycle check, not after naming a thousand levels", () => {
    // Found by the fuzz suite: a record whose branch points back at itself was walked (and every
    // column name built) down to the 1000-level nesting limit before failing, half a second each.
    const record: Record<string, unknown> = { id: 1, long_key_name: { a: 1, b: { c: 2 } } };
    (record.long_key_name as Record<string, unknown>).self = record.long_key_name;
    let columns = 0;
    let longest = 0;
    const sink = (name: string) => {
      columns += 1;
      longest = Math.max(longest, name.length);
    };
    expect(() => flattenInto(record, sink)).toThrow(OutputError);
    expect(() => flattenInto(record, sink)).toThrow(/contains itself/);
    // Each level of the loop emits 2 columns (a and b__c); the check runs 64 levels down.
    expect(columns).toBeLessThan(2 * 2 * 70);
    expect(longest).toBeLessThan(70 * "__self".length + 40);
  });
});
