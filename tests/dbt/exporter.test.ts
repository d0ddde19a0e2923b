// DbtExporter on records: the unified schema as dbt columns, the seed CSV, dry runs and validation.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DbtExporter } from "../../src/dbt/index.js";
import { ConfigError, OutputError } from "../../src/errors.js";
import { listFiles, type ModelFile, parseCsv, readYaml, type SourcesFile, scratchDir } from "./support.js";

const RECORDS = [
  { id: 1, name: "Ada", score: 3 },
  { id: 2, name: null, score: 4.5 },
  { id: 3, name: "Grace", score: 7, address: { city: "Arlington", zip: "22201" }, active: true },
];

describe("DbtExporter.export", () => {
  it("types every column from all records, including one that first appears late and types that widen", async () => {
    const dir = await scratchDir();
    const result = await new DbtExporter({ outputDir: dir }).export(RECORDS, { name: "people" });
    expect(result.records).toBe(3);
    expect(result.columns).toEqual([
      { name: "id", type: "integer", dataType: "bigint", nullable: false },
      { name: "name", type: "string", dataType: "varchar", nullable: true },
      { name: "score", type: "float", dataType: "double", nullable: false },
      { name: "address__city", type: "string", dataType: "varchar", nullable: true },
      { name: "address__zip", type: "string", dataType: "varchar", nullable: true },
      { name: "active", type: "boolean", dataType: "boolean", nullable: true },
    ]);
    expect(result).toMatchObject({
      seedPath: join(dir, "seeds", "people.csv"),
      sourcesPath: join(dir, "models", "sources.yml"),
      modelPath: join(dir, "models", "people.yml"),
      dryRun: false,
    });
    expect(await listFiles(dir)).toEqual(["models/people.yml", "models/sources.yml", "seeds/people.csv"]);
  });

  it("writes the seed's properties: column_types, data_type, placeholders, and not_null only on never-null columns", async () => {
    const dir = await scratchDir();
    const result = await new DbtExporter({ outputDir: dir }).export(RECORDS, {
      name: "people",
      tags: ["crm"],
      meta: { owner: "data-team" },
    });
    const model = await readYaml<ModelFile>(result.modelPath);
    expect(model.version).toBe(2);
    expect(model.seeds).toHaveLength(1);
    const seed = model.seeds[0]!;
    expect(seed.name).toBe("people");
    expect(seed.description).toBe("TODO: describe people.");
    expect(seed.config).toEqual({
      column_types: {
        id: "bigint",
        name: "varchar",
        score: "double",
        address__city: "varchar",
        address__zip: "varchar",
        active: "boolean",
      },
      tags: ["crm"],
      meta: { owner: "data-team" },
    });
    expect(seed.columns.map((c) => [c.name, c.data_type, c.tests ?? []])).toEqual([
      ["id", "bigint", ["not_null"]],
      ["name", "varchar", []],
      ["score", "double", ["not_null"]],
      ["address__city", "varchar", []],
      ["address__zip", "varchar", []],
      ["active", "boolean", []],
    ]);
    expect(new Set(seed.columns.map((c) => c.description))).toEqual(new Set(["TODO: describe this column."]));
  });

  it("writes a CSV whose header is the model's columns and whose rows hold every value", async () => {
    const dir = await scratchDir();
    const tricky = [
      { id: 1, note: 'says "hi", then\nleaves', tags: ["a", "b"] },
      { id: 2, note: "", extra: "late" },
      { id: 3, note: "naïve café 🎉" },
    ];
    const result = await new DbtExporter({ outputDir: dir }).export(tricky, { name: "notes" });
    const rows = parseCsv(await readFile(result.seedPath, "utf8"));
    const model = await readYaml<ModelFile>(result.modelPath);
    expect(rows[0]).toEqual(model.seeds[0]!.columns.map((c) => c.name));
    expect(rows).toEqual([
      ["id", "note", "tags", "extra"],
      ["1", 'says "hi", then\nleaves', '["a","b"]', ""],
      ["2", "", "", "late"],
      ["3", "naïve café 🎉", "", ""],
    ]);
  });

  it("does not claim not_null for strings dbt's seed loader reads as NULL", async () => {
    const dir = await scratchDir();
    const result = await new DbtExporter({ outputDir: dir }).export(
      [
        { id: 1, a: "x", b: "x", c: "x" },
        { id: 2, a: "", b: " NULL ", c: "nullable" },
      ],
      { name: "blanks" },
    );
    expect(result.columns.map((c) => [c.name, c.nullable])).toEqual([
      ["id", false],
      ["a", true],
      ["b", true],
      ["c", false],
    ]);
  });

  it("quotes columns that are not identifiers and takes warehouse types from dataTypes", async () => {
    const dir = await scratchDir();
    const result = await new DbtExporter({
      outputDir: dir,
      dataTypes: { float: "double precision", string: "text" },
    }).export([{ "first name": "Ada", ratio: 0.5 }], { name: "odd" });
    const seed = (await readYaml<ModelFile>(result.modelPath)).seeds[0]!;
    expect(seed.columns).toEqual([
      {
        name: "first name",
        quote: true,
        data_type: "text",
        description: "TODO: describe this column.",
        tests: ["not_null"],
      },
      {
        name: "ratio",
        data_type: "double precision",
        description: "TODO: describe this column.",
        tests: ["not_null"],
      },
    ]);
    expect(seed.config.column_types).toEqual({ "first name": "text", ratio: "double precision" });
  });

  it("accepts pages from an async iterable, as a client's page loop yields them", async () => {
    const dir = await scratchDir();
    async function* pages() {
      for (let p = 0; p < 3; p++) {
        yield { records: Array.from({ length: 10 }, (_, i) => ({ id: p * 10 + i, page: p })) };
      }
    }
    const result = await new DbtExporter({ outputDir: dir }).export(pages(), { name: "paged" });
    expect(result.records).toBe(30);
    const rows = parseCsv(await readFile(result.seedPath, "utf8"));
    expect(rows).toHaveLength(31);
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it("on a dry run writes nothing and returns every file with the content a real run writes", async () => {
    const dir = await scratchDir();
    const target = join(dir, "project");
    const dry = await new DbtExporter({ outputDir: target, dryRun: true }).export(RECORDS, {
      name: "people",
      description: "People",
    });
    expect(await readdir(dir)).toEqual([]);
    expect(dry.dryRun).toBe(true);
    expect(dry.files?.map((f) => f.path)).toEqual([dry.seedPath, dry.sourcesPath, dry.modelPath]);
    const real = await new DbtExporter({ outputDir: target }).export(RECORDS, {
      name: "people",
      description: "People",
    });
    expect(real.files).toBeUndefined();
    for (const file of dry.files ?? []) expect(await readFile(file.path, "utf8")).toBe(file.content);
    expect(real.columns).toEqual(dry.columns);
  });

  it("rejects a name that is not a dbt identifier with a ConfigError and writes nothing", async () => {
    const dir = await scratchDir();
    const exporter = new DbtExporter({ outputDir: join(dir, "project") });
    for (const name of ["my-table", "1st", "", "a b", "x.y", "../escape"]) {
      const error = await exporter.export(RECORDS, { name }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual(["name"]);
      expect((error as ConfigError).message).toContain("dbt identifier");
    }
    expect(await listFiles(dir)).toEqual([]);
  });

  it("rejects an empty outputDir and unknown options with a ConfigError", async () => {
    expect(() => new DbtExporter({ outputDir: "" })).toThrow(ConfigError);
    const dir = await scratchDir();
    const exporter = new DbtExporter({ outputDir: dir });
    await expect(
      exporter.export(RECORDS, { name: "ok", schema: "bad\nschema" } as never),
    ).rejects.toBeInstanceOf(ConfigError);
    await expect(exporter.export(RECORDS, { name: "ok", colour: "red" } as never)).rejects.toBeInstanceOf(
      ConfigError,
    );
  });

  it("fails with an OutputError on zero records and leaves the folder as it was", async () => {
    const dir = await scratchDir();
    const target = join(dir, "project");
    const error = await new DbtExporter({ outputDir: target }).export([], { name: "empty" }).catch((e) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toContain("no records");
    expect(await readdir(dir)).toEqual([]);
  });

  it("declares the table in sources.yml under the schema's source", async () => {
    const dir = await scratchDir();
    const result = await new DbtExporter({ outputDir: dir }).export(RECORDS.slice(0, 1), {
      name: "people",
      database: "analytics",
      schema: "crm",
      description: "People from the CRM",
      tags: ["crm"],
    });
    expect(await readYaml<SourcesFile>(result.sourcesPath)).toEqual({
      version: 2,
      sources: [
        {
          name: "crm",
          database: "analytics",
          schema: "crm",
          tables: [
            {
              name: "people",
              description: "People from the CRM",
              tags: ["crm"],
              columns: [
                { name: "id", data_type: "bigint", description: "TODO: describe this column." },
                { name: "name", data_type: "varchar", description: "TODO: describe this column." },
                { name: "score", data_type: "bigint", description: "TODO: describe this column." },
              ],
            },
          ],
        },
      ],
    });
  });
});
