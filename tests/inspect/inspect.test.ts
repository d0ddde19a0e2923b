// client.inspect(): one real request to a loopback API, and what it reports.
import { parse } from "smol-toml";
import { afterEach, describe, expect, it } from "vitest";
import { PaginationConfig } from "../../src/config/index.js";
import { Apikit, type ApikitOptions, DryRunResult } from "../../src/facade/index.js";
import { json, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

describe("inspect", () => {
  it("reports status, records, cursor pagination, schema, headroom and a config that keeps the base path", async () => {
    const server = await serve((req, res) =>
      json(
        res,
        200,
        {
          data: [
            { id: 1, user: { name: "Zoë", tags: ["a"] }, score: 1.5 },
            { id: 2, user: { name: "Ada", tags: [] }, score: null, extra: true },
          ],
          next_cursor: "abc",
          has_more: true,
          echo: req.url,
        },
        {
          "x-ratelimit-limit": "5000",
          "x-ratelimit-remaining": "4990",
          "set-cookie": "session=sekrit-cookie",
        },
      ),
    );
    const result = await client(`${server.url}/v2`, { token: "sekrit-token-123" }).inspect("/events", {
      params: { status: "open" },
    });
    expect(result.status).toBe(200);
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(result.contentType).toBe("application/json");
    expect(result.recordCount).toBe(2);
    expect(result.dataPath).toBe("data");
    expect(result.detectedPagination.strategy).toBe("cursor");
    expect(result.schemaSample()).toEqual({
      id: "integer",
      user__name: "string",
      user__tags: "string",
      score: "float",
      extra: "boolean",
    });
    expect(result.rateLimit).toMatchObject({ limit: 5000, remaining: 4990 });
    expect(result.baseUrl).toBe(`${server.url}/v2`);
    expect(result.path).toBe("/events");
    expect(result.params).toEqual({ status: "open" });
    expect(result.headers["set-cookie"]).toBe("[REDACTED]");

    const ts = result.suggestedConfig();
    expect(ts).toContain('import { Apikit } from "apikit-ts";');
    expect(ts).toContain(`baseUrl: ${JSON.stringify(`${server.url}/v2`)}`);
    expect(ts).toContain('"strategy":"cursor"');
    expect(ts).toContain('client.fetchRecords("/events", { params: {"status":"open"} })');
    expect(ts).toContain("process.env.API_TOKEN");
    const toml = parse(result.suggestedToml()) as { connectors: Record<string, Record<string, unknown>> };
    const [name, connector] = Object.entries(toml.connectors)[0]!;
    expect(name).toBe("api");
    expect(connector).toMatchObject({ baseUrl: `${server.url}/v2`, auth: { type: "bearer" } });
    // The suggested pagination is a valid config as it stands.
    expect(PaginationConfig.safeParse(connector.pagination).success).toBe(true);

    const everything = JSON.stringify(result.toJSON()) + result.toString();
    expect(everything).not.toContain("sekrit-token-123");
    expect(everything).not.toContain("sekrit-cookie");
    expect(result.toString()).toContain("pagination     cursor");
  });

  it("detects Link pagination and a top-level array, and redacts an API key in the URL", async () => {
    const server = await serve((_req, res) =>
      json(res, 200, [{ id: 1 }], { link: '<http://127.0.0.1/items?page=2>; rel="next"' }),
    );
    const result = await client(server.url, {
      auth: "apikey",
      apiKey: "key-sekrit-42",
      apiKeyQueryParam: "api_key",
    }).inspect("/items");
    expect(result.detectedPagination.strategy).toBe("link");
    expect(result.dataPath).toBe("");
    expect(result.url).not.toContain("key-sekrit-42");
    expect(result.params).toEqual({});
    expect(JSON.stringify(result)).not.toContain("key-sekrit-42");
  });

  it("supports dryRun: nothing is sent", async () => {
    const server = await serve((_req, res) => json(res, 200, []));
    const result = await client(server.url).inspect("/x", { dryRun: true });
    expect(result).toBeInstanceOf(DryRunResult);
    expect(server.requests).toHaveLength(0);
  });
});
