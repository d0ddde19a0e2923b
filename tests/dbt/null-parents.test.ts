// The dbt seed's columns and its CSV header are one column set: a null-only parent is left out of
// both, with the exporter's own separator.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { DbtExporter } from "../../src/dbt/index.js";
import { type ModelFile, parseCsv, readYaml, scratchDir } from "./support.js";

describe("DbtExporter and null-only parents", () => {
  it.each(["__", "."])("leaves the parent out of the model and the CSV alike with sep %j", async (sep) => {
    const dir = await scratchDir();
    const records = [
      { id: 1, address: null },
      { id: 2, address: { city: "Oslo" } },
      { id: 3, address: {} },
    ];
    const result = await new DbtExporter({ outputDir: dir, sep }).export(records, { name: "people" });
    const city = `address${sep}city`;
    expect(result.columns.map((c) => c.name)).toEqual(["id", city]);
    const model = await readYaml<ModelFile>(result.modelPath);
    expect(model.seeds[0]!.columns.map((c) => c.name)).toEqual(["id", city]);
    expect(parseCsv(await readFile(result.seedPath, "utf8"))).toEqual([
      ["id", city],
      ["1", ""],
      ["2", "Oslo"],
      ["3", ""],
    ]);
  });
});
