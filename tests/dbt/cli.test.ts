// `apikit dbt export` as a user runs it: the built binary against a loopback API, then the files.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runApikit } from "../support/cli.js";
import { json, makeRecords, startServer, type TestServer } from "../support/server.js";
import { listFiles, type ModelFile, parseCsv, readYaml, type SourcesFile, scratchDir } from "./support.js";

const ALL = makeRecords(120);

const apikit = (args: string[], env: Record<string, string> = {}) => runApikit(args, { env });

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url.startsWith("/private") && req.headers.authorization !== "Bearer dbt-secret") {
      return json(res, 401, { message: "bad credentials" });
    }
    const offset = Number(req.query.get("offset") ?? 0);
    const limit = Number(req.query.get("limit") ?? 50);
    json(res, 200, { items: ALL.slice(offset, offset + limit), total: ALL.length });
  });
});
afterAll(() => server.close());

describe("apikit dbt export", () => {
  it("writes the seed, sources.yml and the seed's properties from every page, and exits 0", async () => {
    const out = join(await scratchDir(), "analytics");
    const before = server.requests.length;
    const run = await apikit([
      "dbt",
      "export",
      `${server.url}/items`,
      "--name",
      "items",
      "--out",
      out,
      "--schema",
      "shop",
      "--description",
      "Items: every one, #all",
      "--tag",
      "shop",
      "--tag",
      "daily",
      "--strategy",
      "offset",
      "--page-size",
      "50",
    ]);
    expect(run.code).toBe(0);
    // Three full pages, then the empty one that ends an offset listing without a total.
    expect(run.stderr).toMatch(/120 records from 4 pages, 2 columns; wrote /);
    expect(server.requests.length - before).toBe(4);
    expect(await listFiles(out)).toEqual(["models/items.yml", "models/sources.yml", "seeds/items.csv"]);
    const rows = parseCsv(await readFile(join(out, "seeds", "items.csv"), "utf8"));
    expect(rows).toEqual([["id", "name"], ...ALL.map((r) => [String(r.id), r.name])]);
    const sources = await readYaml<SourcesFile>(join(out, "models", "sources.yml"));
    expect(sources.sources).toEqual([
      {
        name: "shop",
        database: "raw",
        schema: "shop",
        tables: [
          {
            name: "items",
            description: "Items: every one, #all",
            tags: ["shop", "daily"],
            columns: [
              { name: "id", data_type: "bigint", description: "TODO: describe this column." },
              { name: "name", data_type: "varchar", description: "TODO: describe this column." },
            ],
          },
        ],
      },
    ]);
    const seed = (await readYaml<ModelFile>(join(out, "models", "items.yml"))).seeds[0]!;
    expect(seed.config).toEqual({ column_types: { id: "bigint", name: "varchar" }, tags: ["shop", "daily"] });
    expect(seed.columns.map((c) => c.tests)).toEqual([["not_null"], ["not_null"]]);
  });

  it("reads the token from --token-env and maps types with --data-type", async () => {
    const out = await scratchDir();
    const run = await apikit(
      [
        "dbt",
        "export",
        `${server.url}/private/items`,
        "--name",
        "private_items",
        "--out",
        out,
        "--token-env",
        "DBT_TOKEN",
        "--data-type",
        "integer=INT64",
        "--data-type",
        "string=STRING",
        "--max-pages",
        "1",
        "--quiet",
      ],
      { DBT_TOKEN: "dbt-secret" },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const seed = (await readYaml<ModelFile>(join(out, "models", "private_items.yml"))).seeds[0]!;
    expect(seed.config.column_types).toEqual({ id: "INT64", name: "STRING" });
    expect(parseCsv(await readFile(join(out, "seeds", "private_items.csv"), "utf8"))).toHaveLength(51);
  });

  it("on --dry-run prints the files as JSON and writes nothing", async () => {
    const dir = await scratchDir();
    const run = await apikit([
      "dbt",
      "export",
      `${server.url}/items`,
      "--name",
      "items",
      "--out",
      join(dir, "project"),
      "--max-pages",
      "1",
      "--dry-run",
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      dryRun: boolean;
      records: number;
      files: Array<{ path: string; bytes: number; content?: string }>;
    };
    expect(report.dryRun).toBe(true);
    expect(report.records).toBe(50);
    expect(report.files.map((f) => f.path.slice(dir.length))).toEqual([
      "/project/seeds/items.csv",
      "/project/models/sources.yml",
      "/project/models/items.yml",
    ]);
    expect(report.files[0]!.content).toBeUndefined();
    expect(report.files[0]!.bytes).toBeGreaterThan(0);
    expect(report.files[2]!.content).toContain("name: items");
    expect(await readdir(dir)).toEqual([]);
  });

  it("exits 1 with one clear line when the API refuses", async () => {
    const out = await scratchDir();
    const run = await apikit(["dbt", "export", `${server.url}/private/items`, "--name", "x", "--out", out]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("AuthError");
    expect(await listFiles(out)).toEqual([]);
  });

  it("exits 2 on a usage error and writes nothing", async () => {
    const out = await scratchDir();
    const url = `${server.url}/items`;
    const before = server.requests.length;
    const invalidName = await apikit(["dbt", "export", url, "--name", "my-items", "--out", out]);
    expect(invalidName.code).toBe(2);
    expect(invalidName.stderr).toContain("dbt identifier");
    expect((await apikit(["dbt", "export", url, "--out", out])).code).toBe(2);
    expect((await apikit(["dbt", "export", url, "--name", "items"])).code).toBe(2);
    expect((await apikit(["dbt", "export", "not-a-url", "--name", "items", "--out", out])).code).toBe(2);
    expect((await apikit(["dbt", "export", url, "--name", "i", "--out", out, "--page-size", "0"])).code).toBe(
      2,
    );
    expect(
      (await apikit(["dbt", "export", url, "--name", "i", "--out", out, "--data-type", "date=x"])).code,
    ).toBe(2);
    expect(
      (await apikit(["dbt", "export", url, "--name", "i", "--out", out, "--token-env", "UNSET"])).code,
    ).toBe(2);
    expect(server.requests.length).toBe(before);
    expect(await listFiles(out)).toEqual([]);
  });

  it("shows help with an example", async () => {
    const run = await apikit(["dbt", "export", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Examples:");
    expect(run.stdout).toContain("--name <name>");
  });
});
