// Incremental pulls: two runs against a loopback API whose data changes in between; the second run
// asks only for what changed and stores the new mark only once the output is complete.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, HttpError } from "../../src/errors.js";
import { IncrementalState } from "../../src/facade/incremental.js";
import { Apikit, type ApikitOptions, compareMarks } from "../../src/facade/index.js";
import { json, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

interface Row {
  id: number;
  updated_at: string;
  name: string;
}

/** Rows the API filters by `since` (strictly newer), in pages of 10 by cursor. */
function changingApi(rows: Row[], options: { failAfter?: () => boolean } = {}) {
  return serve((req, res) => {
    const since = req.query.get("since");
    const matching = rows
      .filter((r) => since === null || r.updated_at > since)
      .sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id - b.id);
    const at = Number(req.query.get("cursor") ?? 0);
    if (at > 0 && options.failAfter?.()) return json(res, 500, { error: "down" });
    const page = matching.slice(at, at + 10);
    json(res, 200, { data: page, next_cursor: at + 10 < matching.length ? String(at + 10) : null });
  });
}

const stamp = (minute: number) => new Date(Date.UTC(2026, 10, 1, 0, minute)).toISOString();

describe("incremental pulls", () => {
  it("the second run fetches only the changes, and the mark moves only after the output is complete", async () => {
    const rows: Row[] = Array.from({ length: 25 }, (_, i) => ({
      id: i + 1,
      updated_at: stamp(i),
      name: `v1 ${i + 1}`,
    }));
    const server = await changingApi(rows);
    const dir = await mkdtemp(join(tmpdir(), "apikit-incremental-"));
    const stateFile = join(dir, "state.json");
    const incremental = { cursorField: "updated_at", param: "since", initialValue: stamp(-1), stateFile };
    const api = client(server.url, { pagination: { strategy: "cursor", dataPath: "data" } });

    const first = await api.fetchToFile("/rows", { filePath: join(dir, "first.ndjson"), incremental });
    expect(first.records).toBe(25);
    expect(server.requests[0]?.query.get("since")).toBe(stamp(-1));
    expect(JSON.parse(await readFile(stateFile, "utf8"))).toMatchObject({
      cursorField: "updated_at",
      value: stamp(24),
    });

    // Between runs: three rows change, two are added.
    for (const id of [3, 7, 20])
      Object.assign(rows[id - 1]!, { updated_at: stamp(30 + id), name: `v2 ${id}` });
    rows.push({ id: 26, updated_at: stamp(50), name: "new" }, { id: 27, updated_at: stamp(51), name: "new" });
    const before = server.requests.length;
    const second = await api.fetchRecords<Row>("/rows", { incremental });
    expect(server.requests[before]?.query.get("since")).toBe(stamp(24));
    expect(second.map((r) => r.id)).toEqual([3, 7, 20, 26, 27]);
    expect(JSON.parse(await readFile(stateFile, "utf8")).value).toBe(stamp(51));

    // Nothing changed: nothing comes, the mark stays.
    expect(await api.fetchRecords("/rows", { incremental })).toEqual([]);
    expect(JSON.parse(await readFile(stateFile, "utf8")).value).toBe(stamp(51));
  });

  it("a lookback window re-reads recent changes, and keeps only what is newer than what it sent", async () => {
    const rows: Row[] = Array.from({ length: 5 }, (_, i) => ({
      id: i + 1,
      updated_at: stamp(i * 10),
      name: "x",
    }));
    const server = await changingApi(rows);
    const dir = await mkdtemp(join(tmpdir(), "apikit-incremental-"));
    const stateFile = join(dir, "state.json");
    await writeFile(
      stateFile,
      JSON.stringify({ cursorField: "updated_at", value: stamp(40), updatedAt: stamp(0) }),
    );
    const api = client(server.url, { pagination: { strategy: "cursor", dataPath: "data" } });
    const records = await api.fetchRecords<Row>("/rows", {
      incremental: { cursorField: "updated_at", param: "since", stateFile, lookback: 15 * 60 },
    });
    expect(server.requests[0]?.query.get("since")).toBe(stamp(25));
    expect(records.map((r) => r.id)).toEqual([4, 5]);
  });

  it("lookbackMs is the window before a timestamp mark in ms; lookback counts units before a numeric one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "apikit-incremental-"));
    const stateFile = join(dir, "state.json");
    await writeFile(
      stateFile,
      JSON.stringify({ cursorField: "updated_at", value: stamp(40), updatedAt: stamp(0) }),
    );
    const byTime = await IncrementalState.load({
      cursorField: "updated_at",
      param: "since",
      stateFile,
      lookbackMs: 15 * 60_000,
    });
    expect(byTime.since).toBe(stamp(25));
    const numbers = {
      cursorField: "id",
      param: "after",
      stateFile: join(dir, "ids.json"),
      initialValue: 500,
    };
    expect((await IncrementalState.load({ ...numbers, lookback: 20 })).since).toBe(480);
    await expect(IncrementalState.load({ ...numbers, lookbackMs: 20 })).rejects.toThrow(
      /lookbackMs is a duration for a timestamp mark.*the number 500/,
    );
    await expect(
      IncrementalState.load({
        cursorField: "updated_at",
        param: "since",
        stateFile,
        lookback: 1,
        lookbackMs: 1,
      }),
    ).rejects.toThrow(ConfigError);
  });

  it("a failed run leaves the mark where it was", async () => {
    const rows: Row[] = Array.from({ length: 30 }, (_, i) => ({
      id: i + 1,
      updated_at: stamp(i),
      name: "x",
    }));
    let fail = true;
    const server = await changingApi(rows, { failAfter: () => fail });
    const dir = await mkdtemp(join(tmpdir(), "apikit-incremental-"));
    const stateFile = join(dir, "state.json");
    const incremental = { cursorField: "updated_at", param: "since", stateFile };
    const api = client(server.url, { maxRetries: 0, pagination: { strategy: "cursor", dataPath: "data" } });
    await expect(api.fetchToFile("/rows", { filePath: join(dir, "out.csv"), incremental })).rejects.toThrow(
      HttpError,
    );
    await expect(readFile(stateFile, "utf8")).rejects.toThrow(/ENOENT/);
    fail = false;
    expect((await api.fetchToFile("/rows", { filePath: join(dir, "out.csv"), incremental })).records).toBe(
      30,
    );
    expect(JSON.parse(await readFile(stateFile, "utf8")).value).toBe(stamp(29));
  });

  it("numbers compare as numbers and timestamps as times; bad settings are ConfigErrors", async () => {
    expect(compareMarks(9, 10)).toBeLessThan(0);
    expect(compareMarks("2026-11-01T00:00:00Z", "2026-11-01T01:00:00+02:00")).toBeGreaterThan(0);
    expect(compareMarks("b", "a")).toBeGreaterThan(0);
    const api = client("http://127.0.0.1:9");
    await expect(
      api.fetchRecords("/x", { incremental: { cursorField: "", param: "since", stateFile: "s" } }),
    ).rejects.toThrow(ConfigError);
    await expect(
      api.fetchToFile("/x", {
        filePath: join(tmpdir(), "never.ndjson"),
        checkpoint: join(tmpdir(), "never.json"),
        incremental: { cursorField: "id", param: "since", stateFile: join(tmpdir(), "s.json") },
      }),
    ).rejects.toThrow(/checkpoint and incremental cannot be combined/);
  });

  it("a state file that is not one is a ConfigError naming the file and the wrong field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "apikit-incremental-"));
    const stateFile = join(dir, "state.json");
    const load = () =>
      IncrementalState.load({ cursorField: "updated_at", param: "since", stateFile }).catch(
        (e: unknown) => e,
      );
    await writeFile(
      stateFile,
      JSON.stringify({ cursorField: "updated_at", value: { at: 1 }, updatedAt: "x" }),
    );
    const wrong = (await load()) as ConfigError;
    expect(wrong).toBeInstanceOf(ConfigError);
    expect(wrong.message).toContain(`The state file ${stateFile} is not an incremental state file`);
    expect(wrong.issues.map((i) => i.path)).toEqual(["value"]);
    await writeFile(stateFile, "{ half");
    const broken = (await load()) as ConfigError;
    expect(broken).toBeInstanceOf(ConfigError);
    expect(broken.message).toContain(`The state file ${stateFile} is not valid JSON`);
  });
});
