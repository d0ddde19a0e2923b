// Every listing entry point is a sink over one Pull: the same options (here incremental, record steps,
// limits and the onPage hook together) have the same effect through pages, stream, fetchRecords,
// fetchToFile, fetchPolars, fetchArrow and fetchMany, and each stores the incremental mark only once
// its output is complete.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Apikit, type ApikitOptions, type FetchOptions } from "../../src/facade/index.js";
import type { PageEvent } from "../../src/http/index.js";
import { json, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

/** 40 rows, ids 1..40, filtered by `since` (id greater than it), 7 to a cursor page. */
function rowsApi() {
  return serve((req, res) => {
    const since = Number(req.query.get("since") ?? 0);
    const at = Number(req.query.get("cursor") ?? 0);
    const matching = Array.from({ length: 40 }, (_, i) => ({
      id: i + 1,
      meta: { kind: i % 2 ? "odd" : "even" },
    })).filter((r) => r.id > since);
    const page = matching.slice(at, at + 7);
    json(res, 200, { data: page, next_cursor: at + 7 < matching.length ? String(at + 7) : null });
  });
}

type Sink = (api: Apikit, options: FetchOptions, dir: string) => Promise<unknown[]>;

const SINKS: Record<string, Sink> = {
  pages: async (api, options) => {
    const out: unknown[] = [];
    for await (const page of api.pages("/rows", options)) out.push(...page.records);
    return out;
  },
  stream: async (api, options) => {
    const out: unknown[] = [];
    for await (const record of api.stream("/rows", options)) out.push(record);
    return out;
  },
  fetchRecords: (api, options) => api.fetchRecords("/rows", options),
  fetchToFile: async (api, options, dir) => {
    const filePath = join(dir, "out.ndjson");
    await api.fetchToFile("/rows", { ...options, filePath });
    return (await readFile(filePath, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
  },
  fetchPolars: async (api, options) => {
    const frame = await api.fetchPolars("/rows", options);
    return frame.toRecords();
  },
  fetchArrow: async (api, options) => {
    const table = await api.fetchArrow("/rows", options);
    // Arrow keeps integers as Int64 (bigint); as numbers here so every sink compares alike.
    return table.toArray().map((row) => {
      const { id, kind } = row.toJSON() as { id: bigint; kind: string };
      return { id: Number(id), kind };
    });
  },
  fetchMany: async (api, options) => (await api.fetchMany({ rows: ["/rows", options] })).rows,
};

describe("one pull behind every entry point", () => {
  for (const [name, sink] of Object.entries(SINKS)) {
    it(`${name}: incremental, select/rename, maxItems and onPage act the same`, async () => {
      const server = await rowsApi();
      const dir = await mkdtemp(join(tmpdir(), "apikit-one-pull-"));
      const stateFile = join(dir, "state.json");
      try {
        const seen: PageEvent[] = [];
        const api = client(server.url, {
          pagination: { strategy: "cursor", dataPath: "data" },
          hooks: { onPage: (event) => void seen.push(event) },
        });
        const options: FetchOptions = {
          incremental: { cursorField: "id", param: "since", stateFile, initialValue: 10 },
          select: ["id", "meta.kind"],
          rename: { "meta.kind": "kind" },
          maxItems: 12,
        };
        const records = await sink(api, options, dir);
        expect(records).toEqual(
          Array.from({ length: 12 }, (_, i) => ({ id: i + 11, kind: (i + 11) % 2 ? "even" : "odd" })),
        );
        expect(server.requests[0]!.query.get("since")).toBe("10");
        expect(seen.map((e) => e.records)).toEqual([7, 5]);
        // The mark moved once the output was complete.
        expect(JSON.parse(await readFile(stateFile, "utf8")).value).toBe(22);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
