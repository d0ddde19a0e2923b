// What a Deno Jupyter cell shows for the results people look at: the MIME bundle of
// Symbol.for("Jupyter.display") (HTML table + text/plain), with every text escaped, no secret in it,
// and the plain objects (fetchToFile's result, an error's progress) keeping their keys and JSON.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Apikit, ApikitError, HttpError, type InspectorResult } from "../../src/index.js";
import { json, startServer, type TestServer } from "../support/server.js";

const DISPLAY = Symbol.for("Jupyter.display");
const TOKEN = "tok-9f8e7d6c5b4a";
type Bundle = { "text/plain": string; "text/html"?: string };
const bundleOf = (value: unknown): Bundle => {
  const method = (value as Record<symbol, unknown>)[DISPLAY];
  expect(typeof method).toBe("function");
  return (method as () => Bundle).call(value);
};

const ROWS = Array.from({ length: 45 }, (_, i) => ({
  id: i + 1,
  "<b>name</b>": `row & "${i}"`,
  nested: { city: i % 2 ? "Oslo" : null },
}));

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url.startsWith("/broken")) {
      const offset = Number(req.query.get("offset") ?? 0);
      if (offset >= 20) return json(res, 500, { error: "<boom>" });
      return json(res, 200, { items: ROWS.slice(offset, offset + 10) });
    }
    const offset = Number(req.query.get("offset") ?? 0);
    const limit = Number(req.query.get("limit") ?? 10);
    res.setHeader("x-ratelimit-limit", "60");
    res.setHeader("x-ratelimit-remaining", "59");
    json(res, 200, { items: ROWS.slice(offset, offset + limit), total: ROWS.length });
  });
  dir = await mkdtemp(join(tmpdir(), "apikit-display-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const client = () =>
  new Apikit({
    baseUrl: server.url,
    token: TOKEN,
    pagination: { strategy: "offset", dataPath: "items", pageSize: 10 },
    retry: { maxRetries: 0 },
  });

describe("notebook display", () => {
  it("an InspectorResult is an HTML table of the response, schema and suggested config, escaped", async () => {
    const api = client();
    const result: InspectorResult = await api.inspect("/items?limit=10", { params: { q: "<x>" } });
    const bundle = bundleOf(result);
    expect(bundle["text/plain"]).toBe(result.toString());
    const html = bundle["text/html"]!;
    expect(html).toMatch(/^<table/);
    expect(html).toContain("<caption");
    expect(html).toContain("200 in ");
    expect(html).toContain("10 at &quot;items&quot;");
    expect(html).toContain("offset (");
    expect(html).toContain("59 of 60 left");
    // The schema as rows, the column names escaped (no live markup from an API's keys).
    expect(html).toContain(
      '<td style="text-align:left;padding:2px 8px;vertical-align:top">&lt;b&gt;name&lt;/b&gt;</td>',
    );
    expect(html).not.toContain("<b>name</b>");
    expect(html).toContain("nested__city");
    expect(html).toContain("&lt;x&gt;");
    expect(html).toContain("new Apikit({");
    expect(html).toContain("[connectors.");
    expect(html).not.toContain(TOKEN);
    expect(bundle["text/plain"]).not.toContain(TOKEN);
    await api.close();
  });

  it("a DryRunResult shows what would be sent, the token redacted", async () => {
    const api = client();
    const dry = await api.fetchToFile("/items", { filePath: join(dir, "dry.csv"), dryRun: true });
    const { "text/plain": text, "text/html": html } = bundleOf(dry);
    expect(text).toBe(String(dry));
    expect(html).toContain("dry run: GET ");
    expect(html).toContain("authorization");
    expect(html).toContain("csv → ");
    expect(html).toContain("offset");
    expect(html).not.toContain(TOKEN);
    expect(text).not.toContain(TOKEN);
    await api.close();
  });

  it("fetchToFile's result shows as a table and stays the plain object it was", async () => {
    const api = client();
    const path = join(dir, "items.parquet");
    const result = await api.fetchToFile("/items", { filePath: path, maxPages: 2 });
    const { "text/plain": text, "text/html": html } = bundleOf(result);
    expect(text).toMatch(
      new RegExp(
        `^Wrote 20 records in 2 pages to ${path} \\(parquet, [\\d.]+ (B|kB)\\); truncated at maxPages`,
      ),
    );
    expect(html).toContain(path);
    expect(html).toContain("parquet");
    expect(html).toContain("yes: stopped at maxPages/maxItems");
    // The display is not a key: spreading, JSON and equality see the fields only.
    expect(Object.keys(result).sort()).toEqual(["bytes", "format", "pages", "path", "records", "truncated"]);
    expect(JSON.parse(JSON.stringify(result))).toEqual({ ...result });
    expect({ ...result }).toEqual({
      path,
      format: "parquet",
      records: 20,
      pages: 2,
      truncated: true,
      bytes: result.bytes,
    });
    await api.close();
  });

  it("an error's progress and the error itself show as tables", async () => {
    const api = client();
    const path = join(dir, "broken.ndjson");
    const error = await api
      .fetchToFile("/broken", { filePath: path, keepPartial: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    const failed = error as HttpError;
    expect(failed.progress).toEqual({ records: 20, pages: 2, partialPath: `${path}.partial` });
    const progress = bundleOf(failed.progress);
    expect(progress["text/plain"]).toBe(`20 records in 2 pages, kept in ${path}.partial`);
    expect(progress["text/html"]).toContain(`${path}.partial`);
    const shown = bundleOf(failed);
    expect(shown["text/plain"]).toBe(`HttpError: ${failed.message}`);
    expect(shown["text/html"]).toContain("<caption");
    expect(shown["text/html"]).toContain(">500<");
    expect(shown["text/html"]).toContain("&lt;boom&gt;");
    expect(shown["text/html"]).not.toContain("<boom>");
    expect(shown["text/html"]).not.toContain(TOKEN);
    expect(Object.keys(failed.progress!)).toEqual(["records", "pages", "partialPath"]);
    await api.close();
  });

  it("any ApikitError has a display, even without progress", () => {
    const { "text/plain": text, "text/html": html } = bundleOf(new ApikitError("plain <failure>"));
    expect(text).toBe("ApikitError: plain <failure>");
    expect(html).toContain("plain &lt;failure&gt;");
    expect(html).toContain("APIKIT_ERROR");
  });
});
