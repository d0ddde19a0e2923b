// sources.yml and models/<name>.yml across exports: merged by parsing, idempotent, exact names,
// valid escaped YAML (read back as YAML 1.2 and as dbt's YAML 1.1), and files a person edited.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DbtExporter } from "../../src/dbt/index.js";
import { OutputError } from "../../src/errors.js";
import { listFiles, type ModelFile, readYaml, type SourcesFile, scratchDir } from "./support.js";

const USERS = [
  { id: 1, email: "a@example.com" },
  { id: 2, email: "b@example.com" },
];

const tableNames = (file: SourcesFile) => file.sources.map((s) => [s.name, s.tables.map((t) => t.name)]);

describe("sources.yml and the seed's properties", () => {
  it("re-running the same export changes nothing and adds nothing twice", async () => {
    const dir = await scratchDir();
    const exporter = new DbtExporter({ outputDir: dir });
    const first = await exporter.export(USERS, { name: "users", tags: ["app"] });
    const sources = await readFile(first.sourcesPath, "utf8");
    const model = await readFile(first.modelPath, "utf8");
    for (let i = 0; i < 3; i++) await exporter.export(USERS, { name: "users", tags: ["app"] });
    expect(await readFile(first.sourcesPath, "utf8")).toBe(sources);
    expect(await readFile(first.modelPath, "utf8")).toBe(model);
    expect(tableNames(await readYaml<SourcesFile>(first.sourcesPath))).toEqual([["public", ["users"]]]);
    expect((await readYaml<ModelFile>(first.modelPath)).seeds.map((s) => s.name)).toEqual(["users"]);
  });

  it("replaces the entry of a re-exported table with its new columns", async () => {
    const dir = await scratchDir();
    const exporter = new DbtExporter({ outputDir: dir });
    await exporter.export(USERS, { name: "users" });
    const result = await exporter.export([{ id: 1, email: "a@example.com", plan: "pro" }], {
      name: "users",
      description: "Users, now with plans",
    });
    const file = await readYaml<SourcesFile>(result.sourcesPath);
    expect(file.sources).toHaveLength(1);
    expect(file.sources[0]!.tables).toHaveLength(1);
    expect(file.sources[0]!.tables[0]!.description).toBe("Users, now with plans");
    expect(file.sources[0]!.tables[0]!.columns?.map((c) => c.name)).toEqual(["id", "email", "plan"]);
  });

  it("keeps tables and sources whose names share a prefix apart", async () => {
    const dir = await scratchDir();
    const exporter = new DbtExporter({ outputDir: dir });
    await exporter.export(USERS, { name: "users_archive" });
    await exporter.export(USERS, { name: "users" });
    await exporter.export([{ id: 9 }], { name: "users" });
    await exporter.export(USERS, { name: "users", source: "raw", schema: "raw" });
    await exporter.export(USERS, { name: "users", source: "raw_v2", schema: "raw_v2" });
    const result = await exporter.export([{ id: 10 }], { name: "users", source: "raw", schema: "raw" });
    const file = await readYaml<SourcesFile>(result.sourcesPath);
    expect(tableNames(file)).toEqual([
      ["public", ["users_archive", "users"]],
      ["raw", ["users"]],
      ["raw_v2", ["users"]],
    ]);
    const columnsOf = (source: string, table: string) =>
      file.sources
        .find((s) => s.name === source)
        ?.tables.find((t) => t.name === table)
        ?.columns?.map((c) => c.name);
    expect(columnsOf("public", "users_archive")).toEqual(["id", "email"]);
    expect(columnsOf("public", "users")).toEqual(["id"]);
    expect(columnsOf("raw", "users")).toEqual(["id"]);
    expect(columnsOf("raw_v2", "users")).toEqual(["id", "email"]);
    expect(await listFiles(dir)).toEqual([
      "models/sources.yml",
      "models/users.yml",
      "models/users_archive.yml",
      "seeds/users.csv",
      "seeds/users_archive.csv",
    ]);
  });

  it("writes valid YAML for descriptions, tags and meta with quotes, colons, newlines, unicode and #", async () => {
    const dir = await scratchDir();
    // \u2028 and \u0085 are line breaks to YAML 1.1 readers such as dbt's PyYAML unless escaped.
    const description =
      'He said "hi": it\'s fine #1\n- not a list\n  indented: no\ttab \u2028 \u0085 \u0007 end ';
    const tags = [
      "yes",
      "no",
      "on",
      "off",
      "y",
      "null",
      "~",
      "10:30",
      "0755",
      "1_000",
      "#tag",
      "a: b",
      "=",
      "<<",
      "é🎉",
    ];
    const meta = {
      "key: with colon": "value # hash",
      nested: { "=": "<<", empty: "" },
      list: ["- x", "[y]"],
    };
    const records = [{ id: 1, on: "x", "weird: name #": 1, ünï: "ü", "<<": 2 }];
    const result = await new DbtExporter({ outputDir: dir }).export(records, {
      name: "escaped",
      description,
      tags,
      meta,
    });
    for (const path of [result.sourcesPath, result.modelPath]) {
      const text = await readFile(path, "utf8");
      // dbt reads YAML 1.1, where yes/no/on/off and 10:30 are not strings unless quoted.
      for (const version of ["1.2", "1.1"] as const) {
        // With merge keys on, as a 1.1 reader has them: "<<" must stay a string, never merge.
        const doc = parse(text, { version, merge: true }) as Record<string, unknown>;
        const entry =
          path === result.modelPath
            ? (doc as unknown as ModelFile).seeds[0]!
            : (doc as unknown as SourcesFile).sources[0]!.tables[0]!;
        expect(entry.description).toBe(description);
        const where = path === result.modelPath ? (entry as ModelFile["seeds"][0]).config : entry;
        expect((where as { tags: string[] }).tags).toEqual(tags);
        expect((where as { meta: unknown }).meta).toEqual(meta);
        expect(entry.columns?.map((c) => c.name)).toEqual(["id", "on", "weird: name #", "ünï", "<<"]);
      }
    }
    const model = await readYaml<ModelFile>(result.modelPath);
    expect(Object.keys(model.seeds[0]!.config.column_types)).toEqual([
      "id",
      "on",
      "weird: name #",
      "ünï",
      "<<",
    ]);
    expect(await readFile(result.modelPath, "utf8")).not.toMatch(/[\u0085\u2028]/);
  });

  it("keeps comments and entries it does not own in an existing sources.yml", async () => {
    const dir = await scratchDir();
    const sourcesPath = join(dir, "models", "sources.yml");
    const handWritten = [
      "# Maintained by the data team: do not reorder",
      "version: 2",
      "sources:",
      "  - name: stripe # payments",
      "    database: raw",
      "    schema: stripe",
      "    tables:",
      "      - name: charges",
      "        description: Every charge.",
      "  - name: public",
      "    database: raw",
      "    schema: public",
      "    tables:",
      "      - name: orders",
      "        loaded_at_field: updated_at",
      "",
    ].join("\n");
    await new DbtExporter({ outputDir: dir }).export([{ id: 1 }], { name: "seed_me" });
    await writeFile(sourcesPath, handWritten);
    await new DbtExporter({ outputDir: dir }).export(USERS, { name: "users" });
    const text = await readFile(sourcesPath, "utf8");
    expect(text).toContain("# Maintained by the data team: do not reorder");
    expect(text).toContain("# payments");
    const file = parse(text) as SourcesFile;
    expect(tableNames(file)).toEqual([
      ["stripe", ["charges"]],
      ["public", ["orders", "users"]],
    ]);
    expect(file.sources[1]!.tables[0]).toEqual({ name: "orders", loaded_at_field: "updated_at" });
  });

  it("matches a hand-written plain `name: y` as dbt reads it, and keeps anchors and merge keys", async () => {
    const dir = await scratchDir();
    const sourcesPath = join(dir, "models", "sources.yml");
    await new DbtExporter({ outputDir: dir }).export([{ id: 1 }], { name: "seed_me" });
    await writeFile(
      sourcesPath,
      [
        "version: 2",
        "x-defaults: &defaults",
        "  loader: apikit",
        "sources:",
        "  - name: public",
        "    database: raw",
        "    schema: public",
        "    <<: *defaults",
        "    tables:",
        "      - name: y",
        "        description: Hand-written.",
        "",
      ].join("\n"),
    );
    await new DbtExporter({ outputDir: dir }).export([{ v: 1 }], { name: "y" });
    const text = await readFile(sourcesPath, "utf8");
    expect(text).toContain("<<: *defaults");
    const file = parse(text, { merge: true }) as SourcesFile & { sources: Array<{ loader?: string }> };
    expect(tableNames(file)).toEqual([["public", ["y"]]]);
    expect(file.sources[0]!.loader).toBe("apikit");
    expect(file.sources[0]!.tables[0]!.description).toBe("Hand-written.");
  });

  it("keeps descriptions a person wrote when the table is exported again", async () => {
    const dir = await scratchDir();
    const exporter = new DbtExporter({ outputDir: dir });
    const first = await exporter.export(USERS, { name: "users" });
    const model = await readYaml<ModelFile>(first.modelPath);
    model.seeds[0]!.description = "Everyone who signed up.";
    model.seeds[0]!.columns[1]!.description = "Login e-mail: unique per user.";
    await writeFile(first.modelPath, JSON.stringify(model));
    await exporter.export([...USERS, { id: 3, email: "c@example.com", age: 40 }], { name: "users" });
    const seed = (await readYaml<ModelFile>(first.modelPath)).seeds[0]!;
    expect(seed.description).toBe("Everyone who signed up.");
    expect(seed.columns.map((c) => [c.name, c.description])).toEqual([
      ["id", "TODO: describe this column."],
      ["email", "Login e-mail: unique per user."],
      ["age", "TODO: describe this column."],
    ]);
  });

  it("refuses an existing sources.yml that is not valid YAML, before reading any record, and changes nothing", async () => {
    const dir = await scratchDir();
    const exporter = new DbtExporter({ outputDir: dir });
    const first = await exporter.export(USERS, { name: "users" });
    const broken = "version: 2\nsources: [unclosed\n";
    await writeFile(first.sourcesPath, broken);
    const seed = await readFile(first.seedPath, "utf8");
    let pulled = 0;
    function* records() {
      for (const r of [{ id: 7 }, { id: 8 }]) {
        pulled += 1;
        yield r;
      }
    }
    const error = await exporter.export(records(), { name: "users" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toContain("sources.yml is not valid YAML");
    expect(pulled).toBe(0);
    expect(await readFile(first.sourcesPath, "utf8")).toBe(broken);
    expect(await readFile(first.seedPath, "utf8")).toBe(seed);
    expect(await listFiles(dir)).toEqual(["models/sources.yml", "models/users.yml", "seeds/users.csv"]);
  });

  it("refuses to move a source that already points at another database", async () => {
    const dir = await scratchDir();
    const exporter = new DbtExporter({ outputDir: dir });
    await exporter.export(USERS, { name: "users", database: "raw" });
    const error = await exporter
      .export(USERS, { name: "accounts", database: "warehouse" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toMatch(
      /source "public" already points at raw\.public, not warehouse\.public/,
    );
    expect(await listFiles(dir)).toEqual(["models/sources.yml", "models/users.yml", "seeds/users.csv"]);
  });
});
