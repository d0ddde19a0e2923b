// onInvalid works the same through every entry point: "raise" throws, "skip" drops and warns once per
// pull with the count and the first reason, "collect" gives the failed records back beside the others.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { RecordValidationError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import type { Logger } from "../../src/http/index.js";
import { json, type TestServer, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "apikit-invalid-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const Item = z.object({ id: z.number(), name: z.string() });
// Two pages of 5; ids 3 and 8 have no name.
const RECORDS = Array.from({ length: 10 }, (_, i) =>
  i === 2 || i === 7 ? { id: i + 1 } : { id: i + 1, name: `n${i + 1}` },
);
const VALID = RECORDS.filter((r) => "name" in r).map((r) => r.id);

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const noop = () => {};
  return { debug: noop, info: noop, error: noop, warn: (m: string) => void warnings.push(m), warnings };
}

async function api(): Promise<TestServer> {
  return serve((req, res) => {
    const offset = Number(req.query.get("offset") ?? 0);
    json(res, 200, { data: RECORDS.slice(offset, offset + 5), total: RECORDS.length });
  });
}

const listing = { strategy: "offset", pageSize: 5, totalPath: "total", schema: Item } as const;

describe("onInvalid: collect, through every entry point", () => {
  it("fetchRecords gives { records, errors }", async () => {
    const server = await api();
    const { records, errors } = await client(server.url).fetchRecords("/items", {
      ...listing,
      onInvalid: "collect",
    });
    expect(records.map((r) => r.id)).toEqual(VALID);
    expect(errors.map((e) => e.index)).toEqual([2, 7]);
    expect(errors[0]?.issues[0]?.path).toBe("name");
  });

  it("pages() carries each page's invalid records", async () => {
    const server = await api();
    const invalid: number[][] = [];
    for await (const page of client(server.url).pages("/items", { ...listing, onInvalid: "collect" }))
      invalid.push((page.invalid ?? []).map((e) => e.index));
    expect(invalid).toEqual([[2], [7]]);
  });

  it("stream() fills its `invalid` array as the pages come", async () => {
    const server = await api();
    const stream = client(server.url).stream("/items", { ...listing, onInvalid: "collect" });
    const seen: unknown[] = [];
    for await (const record of stream) seen.push(record.id);
    expect(seen).toEqual(VALID);
    expect(stream.invalid.map((e) => e.record)).toEqual([{ id: 3 }, { id: 8 }]);
  });

  it("fetchToFile writes the valid records and returns the invalid ones", async () => {
    const server = await api();
    const filePath = join(dir, "collect.ndjson");
    const result = await client(server.url).fetchToFile("/items", {
      ...listing,
      onInvalid: "collect",
      filePath,
    });
    expect(result.records).toBe(VALID.length);
    expect(result.invalid?.map((e) => e.index)).toEqual([2, 7]);
    const lines = (await readFile(filePath, "utf8")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(VALID);
  });

  it("fetchPolars gives { frame, errors } and fetchArrow { table, errors }", async () => {
    const server = await api();
    const api2 = client(server.url);
    const polars = await api2.fetchPolars("/items", { ...listing, onInvalid: "collect" });
    expect(polars.frame.getColumn("id").toArray()).toEqual(VALID);
    expect(polars.errors.map((e) => e.index)).toEqual([2, 7]);
    const arrow = await api2.fetchArrow("/items", { ...listing, onInvalid: "collect" });
    expect(arrow.table.numRows).toBe(VALID.length);
    expect(arrow.errors.map((e) => e.record)).toEqual([{ id: 3 }, { id: 8 }]);
    // Without collect they give the frame itself, the invalid records left out (skip).
    const skipped = await api2.fetchPolars("/items", { ...listing, onInvalid: "skip" });
    expect(skipped.height).toBe(VALID.length);
  });

  it("fetchMany gives a collecting label { records, errors } and the others their records", async () => {
    const server = await api();
    const result = await client(server.url).fetchMany({
      checked: ["/items", { ...listing, onInvalid: "collect" }],
      plain: ["/items", { strategy: "offset", pageSize: 5, totalPath: "total" }],
    });
    expect(result.checked.records.map((r) => r.id)).toEqual(VALID);
    expect(result.checked.errors).toHaveLength(2);
    expect(result.plain).toHaveLength(10);
  });
});

describe("onInvalid: skip is never silent", () => {
  it("stream() warns once at the end of the pull, with the count and the first reason", async () => {
    const server = await api();
    const logger = recordingLogger();
    const seen: unknown[] = [];
    for await (const r of client(server.url, { logger }).stream("/items", { ...listing, onInvalid: "skip" }))
      seen.push(r.id);
    expect(seen).toEqual(VALID);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/skipped 2 records .*record 2: name/);
  });

  it("fetchToFile and fetchRecords warn the same way", async () => {
    const server = await api();
    const logger = recordingLogger();
    const api2 = client(server.url, { logger });
    const result = await api2.fetchToFile("/items", {
      ...listing,
      onInvalid: "skip",
      filePath: join(dir, "skip.csv"),
    });
    expect(result.records).toBe(VALID.length);
    await api2.fetchRecords("/items", { ...listing, onInvalid: "skip" });
    expect(logger.warnings).toHaveLength(2);
    for (const warning of logger.warnings) expect(warning).toMatch(/skipped 2 records/);
  });

  it("a consumer that stops early still gets the warning for what it skipped", async () => {
    const server = await api();
    const logger = recordingLogger();
    for await (const r of client(server.url, { logger }).stream("/items", { ...listing, onInvalid: "skip" }))
      if (r.id === 4) break;
    expect(logger.warnings).toEqual([expect.stringMatching(/skipped 1 record that/)]);
  });
});

describe("onInvalid: raise (the default)", () => {
  it("stream() and fetchToFile raise RecordValidationError with the record's index", async () => {
    const server = await api();
    const api2 = client(server.url);
    const streamed = (async () => {
      for await (const _ of api2.stream("/items", listing));
    })();
    await expect(streamed).rejects.toMatchObject({ name: "RecordValidationError", index: 2 });
    const filePath = join(dir, "raise.ndjson");
    const failure = await api2.fetchToFile("/items", { ...listing, filePath }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RecordValidationError);
    await expect(readFile(filePath)).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("validation sees the record as the API sent it", () => {
  it("the schema checks the API's shape; select, rename and transform then shape what it gave back", async () => {
    const server = await serve((_req, res) =>
      json(res, 200, [
        { id: 1, name: "a", owner: { login: "x", avatar_url: "u" } },
        { id: 2, name: "b", owner: { login: 5 } },
      ]),
    );
    const Repo = z.object({ id: z.number(), name: z.string(), owner: z.object({ login: z.string() }) });
    const { records, errors } = await client(server.url).fetchRecords("/repos", {
      select: ["id", "name", "owner.login"],
      rename: { "owner.login": "owner_login" },
      transform: (r) => ({ ...r, tagged: true }),
      schema: Repo,
      onInvalid: "collect",
    });
    expect(records).toEqual([{ id: 1, name: "a", owner_login: "x", tagged: true }]);
    expect(errors.map((e) => [e.index, e.issues[0]?.path])).toEqual([[1, "owner.login"]]);
  });
});
