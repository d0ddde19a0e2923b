// inferPolarsSchema: the dtypes of the frame recordsToPolars makes, without making it (iki-apikit's
// infer_polars_schema). tests/fuzz/polars-schema.test.ts checks the agreement on generated records.
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { inferPolarsSchema, recordsToPolars } from "../../src/writers/index.js";

/** The frame's columns and dtypes, as its own `schema` would give them for any column name. */
async function frameSchema(records: unknown[], options = {}) {
  const frame = await recordsToPolars(records, options);
  return Object.fromEntries(frame.getColumns().map((series) => [series.name, series.dtype]));
}

describe("inferPolarsSchema", () => {
  it("types the flattened columns as iki-apikit's README shows", async () => {
    const records = [
      { id: 1, name: "Ada", score: 9.5, meta: { plan: "pro" } },
      { id: 2, name: "Grace", score: 7, meta: { plan: null } },
    ];
    const schema = await inferPolarsSchema(records);
    expect(schema).toEqual({ id: pl.Int64, name: pl.String, score: pl.Float64, meta__plan: pl.String });
    expect(Object.keys(schema)).toEqual(["id", "name", "score", "meta__plan"]);
    expect(schema).toEqual((await recordsToPolars(records)).schema);
  });

  it("widens over every record, a column first seen late included", async () => {
    const records = [
      ...Array.from({ length: 40_000 }, (_, i) => ({ id: i, flag: true, n: i })),
      { id: 2n ** 60n, flag: "yes", n: 0.5, late: null },
    ];
    const schema = await inferPolarsSchema(records);
    expect(schema).toEqual({ id: pl.Int64, flag: pl.String, n: pl.Float64, late: pl.String });
    expect(schema).toEqual((await recordsToPolars(records)).schema);
  });

  it("takes the separator, async pages, and a column named __proto__", async () => {
    async function* pages() {
      yield { records: [{ a: { b: 1 } }] };
      yield { records: [{ ["__proto__"]: "x", a: { b: 2.5 } }] };
    }
    const schema = await inferPolarsSchema(pages(), { sep: "." });
    expect(Object.keys(schema)).toEqual(["a.b", "__proto__"]);
    expect(schema).toEqual(
      await frameSchema([{ a: { b: 1 } }, { ["__proto__"]: "x", a: { b: 2.5 } }], { sep: "." }),
    );
  });

  it("gives the frame's one text column when there is no column at all", async () => {
    for (const records of [[], [{}, {}]]) {
      expect(await inferPolarsSchema(records)).toEqual({ value: pl.String });
      expect(await inferPolarsSchema(records)).toEqual((await recordsToPolars(records)).schema);
    }
  });

  it("gives polars' structs and lists with flatten: false", async () => {
    const records = [{ a: { b: 1, c: "x" }, tags: ["p", "q"] }, { a: { b: 2 } }];
    const schema = await inferPolarsSchema(records, { flatten: false });
    expect(schema).toEqual((await recordsToPolars(records, { flatten: false })).schema);
    expect(String(schema.tags)).toBe("DataType(List(DataType(String)))");
  });
});
