// The `paginator` option: a user's Paginator (the public contract) drives every entry point, a
// checkpointed file output resumes with it, and a value that is not one is a ConfigError. Pages given
// to users carry nothing a checkpoint keeps (the next request would show the URL's secrets).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  Apikit,
  type ApikitOptions,
  ConfigError,
  firstHeaderValue,
  type PageRequest,
  type PageResponse,
  type Paginator,
} from "../../src/index.js";
import { json, makeRecords, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));
const ALL = makeRecords(23);

/** `?after=<id>&size=<n>`, the next token in an `X-Next-After` header: no built-in strategy reads that. */
class AfterHeader implements Paginator {
  readonly strategy = "after-header";

  first(request: PageRequest): PageRequest {
    return withParam(request, "size", "10");
  }

  next(response: PageResponse, request: PageRequest): PageRequest | null {
    const after = firstHeaderValue(response.headers, "x-next-after");
    return after ? withParam(request, "after", after) : null;
  }
}

function withParam(request: PageRequest, name: string, value: string): PageRequest {
  const url = new URL(request.url);
  url.searchParams.set(name, value);
  return { method: request.method, url, body: request.body };
}

/** The API; `failAfter` answers 500 once to the request after that id. */
function afterHeaderApi(state: { failAfter?: number } = {}) {
  return serve((req, res) => {
    const after = Number(req.query.get("after") ?? 0);
    if (after === state.failAfter) {
      state.failAfter = undefined;
      return json(res, 500, { error: "down" });
    }
    const items = ALL.filter((r) => r.id > after).slice(0, Number(req.query.get("size") ?? 5));
    const last = items.at(-1);
    json(res, 200, { items }, last && last.id < ALL.length ? { "x-next-after": String(last.id) } : {});
  });
}

const ids = (records: unknown[]) => records.map((r) => (r as { id: number }).id);
const every = Array.from({ length: 23 }, (_, i) => i + 1);

describe("a user's paginator", () => {
  it("fetchRecords, stream and fetchPolars page with it, every record once and in order", async () => {
    const server = await afterHeaderApi();
    const api = client(`${server.url}`, { headers: { "x-api-key": "sk_live_secret_value" } });
    const options = { dataPath: "items" };
    expect(ids(await api.fetchRecords("/items", { ...options, paginator: new AfterHeader() }))).toEqual(
      every,
    );
    const streamed: unknown[] = [];
    for await (const record of api.stream("/items", { ...options, paginator: new AfterHeader() }))
      streamed.push(record);
    expect(ids(streamed)).toEqual(every);
    const frame = await api.fetchPolars("/items", { ...options, paginator: new AfterHeader() });
    expect(frame.height).toBe(23);
    expect(server.requests.map((r) => r.query.get("after"))).toEqual(
      Array.from({ length: 3 }, () => [null, "10", "20"]).flat(),
    );
  });

  it("a checkpointed fetchToFile that failed resumes with a new instance of it", async () => {
    const state = { failAfter: 10 as number | undefined };
    const server = await afterHeaderApi(state);
    const api = client(server.url, { maxRetries: 0 });
    const dir = await mkdtemp(join(tmpdir(), "apikit-custom-paginator-"));
    try {
      const options = {
        dataPath: "items",
        filePath: join(dir, "out.ndjson"),
        checkpoint: join(dir, "out.checkpoint.json"),
      };
      await expect(api.fetchToFile("/items", { ...options, paginator: new AfterHeader() })).rejects.toThrow(
        /500/,
      );
      const result = await api.fetchToFile("/items", { ...options, paginator: new AfterHeader() });
      expect(result.records).toBe(23);
      const written = (await readFile(options.filePath, "utf8"))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(ids(written)).toEqual(every);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("pages() gives users no next request and no records path", async () => {
    const server = await afterHeaderApi();
    const api = client(`${server.url}`, {
      auth: { type: "apikey", apiKey: "sk_live_in_query", queryParam: "key" },
    });
    for await (const page of api.pages("/items", { dataPath: "items", paginator: new AfterHeader() })) {
      expect(Object.keys(page)).not.toContain("next");
      expect(Object.keys(page)).not.toContain("recordsPath");
      expect(JSON.stringify({ ...page, records: [] })).not.toContain("sk_live_in_query");
    }
  });

  it("a value that is not a Paginator is a ConfigError naming the option", async () => {
    const api = client("http://127.0.0.1:9");
    const notOne = { first: () => null } as unknown as Paginator;
    await expect(api.fetchRecords("/x", { paginator: notOne })).rejects.toThrow(ConfigError);
    await expect(api.fetchRecords("/x", { paginator: notOne })).rejects.toThrow(
      /paginator: must be a Paginator/,
    );
  });
});
