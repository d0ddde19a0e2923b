// exportFromClient against a real loopback API: the client's page loop streams into the seed, and a
// pull that fails half-way leaves the project as it was.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DbtExporter } from "../../src/dbt/index.js";
import { ConfigError, HttpError } from "../../src/errors.js";
import { Apikit } from "../../src/facade/index.js";
import { json, useLoopback } from "../support/server.js";
import { type ModelFile, parseCsv, readYaml, scratchDir } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o) => new Apikit(o));

/** 45 records; "coupon" only from record 31 on, and "amount" turns from integer to float there. */
const ORDERS = Array.from({ length: 45 }, (_, i) => ({
  id: i + 1,
  amount: i < 30 ? i + 1 : i + 0.5,
  customer: { name: `c${i}` },
  ...(i >= 30 ? { coupon: "SPRING" } : {}),
}));

describe("DbtExporter.exportFromClient", () => {
  it("streams every page of the listing into the seed and types columns over all of them", async () => {
    const server = await serve((req, res) => {
      const offset = Number(req.query.get("offset") ?? 0);
      const limit = Number(req.query.get("limit") ?? 10);
      json(res, 200, { data: ORDERS.slice(offset, offset + limit), total: ORDERS.length });
    });
    const dir = await scratchDir();
    const result = await new DbtExporter({ outputDir: dir }).exportFromClient(client(server.url), "/orders", {
      name: "orders",
      schema: "shop",
      fetch: { strategy: "offset", pageSize: 10, dataPath: "data", totalPath: "total" },
    });
    expect(server.requests.map((r) => r.query.get("offset"))).toEqual(["0", "10", "20", "30", "40"]);
    expect(result.records).toBe(45);
    expect(result.columns.map((c) => [c.name, c.dataType, c.nullable])).toEqual([
      ["id", "bigint", false],
      ["amount", "double", false],
      ["customer__name", "varchar", false],
      ["coupon", "varchar", true],
    ]);
    const rows = parseCsv(await readFile(result.seedPath, "utf8"));
    expect(rows[0]).toEqual(["id", "amount", "customer__name", "coupon"]);
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual(ORDERS.map((o) => o.id));
    expect(rows[31]).toEqual(["31", "30.5", "c30", "SPRING"]);
    const seed = (await readYaml<ModelFile>(result.modelPath)).seeds[0]!;
    expect(seed.columns.filter((c) => c.tests?.includes("not_null")).map((c) => c.name)).toEqual([
      "id",
      "amount",
      "customer__name",
    ]);
  });

  it("leaves the project untouched when the pull fails half-way", async () => {
    const server = await serve((req, res) => {
      const offset = Number(req.query.get("offset") ?? 0);
      if (offset >= 20) return json(res, 400, { error: "offset too large" });
      json(res, 200, ORDERS.slice(offset, offset + 10));
    });
    const dir = await scratchDir();
    const project = join(dir, "project");
    const exporter = new DbtExporter({ outputDir: project });
    const error = await exporter
      .exportFromClient(client(server.url), "/orders", {
        name: "orders",
        fetch: { strategy: "offset", pageSize: 10 },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    expect(server.requests).toHaveLength(3);
    // Not even the folders it created are left behind.
    expect(await readdir(dir)).toEqual([]);
  });

  it("sends no request when the options are invalid", async () => {
    const server = await serve((_req, res) => json(res, 200, ORDERS));
    const exporter = new DbtExporter({ outputDir: await scratchDir() });
    await expect(
      exporter.exportFromClient(client(server.url), "/orders", { name: "bad-name" }),
    ).rejects.toBeInstanceOf(ConfigError);
    await expect(
      exporter.exportFromClient(client(server.url), "/orders", { name: "ok", fetch: { dryRun: true } }),
    ).rejects.toBeInstanceOf(ConfigError);
    expect(server.requests).toHaveLength(0);
  });
});
