// Replays a recorded real GitHub paginated listing (@octokit/fixtures) through a loopback server.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Apikit } from "../../src/facade/index.js";
import { startServer, type TestServer } from "../support/server.js";

interface Fixture {
  method: string;
  path: string;
  status: number;
  response: Array<{ id: number; number: number }>;
  headers: Record<string, string>;
}

const require = createRequire(import.meta.url);
const fixtures =
  require("@octokit/fixtures/scenarios/api.github.com/paginate-issues/normalized-fixture.json") as Fixture[];

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const fixture = fixtures.find((f) => f.method.toUpperCase() === req.method && f.path === req.url);
    if (!fixture) {
      res.writeHead(404);
      res.end();
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(fixture.headers)) {
      if (["content-length", "connection", "transfer-encoding"].includes(name)) continue;
      headers[name] = String(value).replaceAll("https://api.github.com", server.origin);
    }
    const body = JSON.stringify(fixture.response);
    res.writeHead(fixture.status, { ...headers, "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
afterAll(() => server.close());

describe("a recorded GitHub listing", () => {
  it("arrives whole, every issue once, through Link pagination", async () => {
    await using api = new Apikit({
      baseUrl: server.url,
      token: "0000000000000000000000000000000000000001",
      pagination: { strategy: "link" },
    });
    const issues = await api.fetchRecords<{ id: number }>(
      "/repos/octokit-fixture-org/paginate-issues/issues",
      { params: { per_page: 3 } },
    );
    const expected = fixtures.flatMap((f) => f.response.map((i) => i.id));
    expect(issues.map((i) => i.id)).toEqual(expected);
    expect(new Set(expected).size).toBe(expected.length);
    expect(server.requests).toHaveLength(fixtures.length);
  });

  it("is found by auto-detection too", async () => {
    await using api = new Apikit({ baseUrl: server.url });
    const issues = await api.fetchRecords("/repos/octokit-fixture-org/paginate-issues/issues", {
      paginate: true,
      params: { per_page: 3 },
    });
    expect(issues).toHaveLength(fixtures.reduce((n, f) => n + f.response.length, 0));
  });
});
