// The shopify connector against a loopback Shopify Admin API: X-Shopify-Access-Token, Link headers
// with page_info cursors (rel="next"/"previous"), limit ≤ 250, and no other filters allowed beside
// page_info (as Shopify enforces).
import { afterEach, describe, expect, it } from "vitest";
import { shopify } from "../../src/connectors/index.js";
import { AuthError, ConfigError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, type TestServer, useLoopback } from "../support/server.js";
import { loopbackOptions, originOf, pathOf } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const TOKEN = "shpat_0123456789abcdef0123456789abcdef";
const PATH = "/admin/api/2026-07/products.json";
const PRODUCTS = Array.from({ length: 600 }, (_, i) => ({ id: 632_910_392 + i, title: `Product ${i}` }));

function fakeShopify(): Promise<TestServer> {
  const cursors = new Map<string, number>();
  return serve((req, res) => {
    if (req.headers["x-shopify-access-token"] !== TOKEN) {
      json(res, 401, {
        errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
      });
      return;
    }
    if (pathOf(req) !== PATH) {
      json(res, 404, { errors: "Not Found" });
      return;
    }
    const limit = Number(req.query.get("limit") ?? 50);
    if (limit > 250) {
      json(res, 400, { errors: { limit: "must be less than or equal to 250" } });
      return;
    }
    const pageInfo = req.query.get("page_info");
    const extra = [...req.query.keys()].filter((k) => !["page_info", "limit", "fields"].includes(k));
    if (pageInfo !== null && extra.length > 0) {
      json(res, 400, { errors: { page_info: `cannot be combined with ${extra.join(", ")}` } });
      return;
    }
    const start = pageInfo === null ? 0 : cursors.get(pageInfo);
    if (start === undefined) {
      json(res, 400, { errors: { page_info: "Invalid value." } });
      return;
    }
    const cursor = (at: number) => {
      const token = Buffer.from(JSON.stringify({ last_id: PRODUCTS[at - 1]?.id ?? 0, at })).toString(
        "base64url",
      );
      cursors.set(token, at);
      return `<${originOf(req)}${PATH}?limit=${limit}&page_info=${token}>`;
    };
    const links: string[] = [];
    if (start > 0) links.push(`${cursor(Math.max(0, start - limit))}; rel="previous"`);
    if (start + limit < PRODUCTS.length) links.push(`${cursor(start + limit)}; rel="next"`);
    json(
      res,
      200,
      { products: PRODUCTS.slice(start, start + limit) },
      links.length ? { link: links.join(", ") } : {},
    );
  });
}

describe("the shopify connector", () => {
  it("pulls every product once, in order, following page_info links at 250 per page", async () => {
    const server = await fakeShopify();
    const options = loopbackOptions(shopify, { storeDomain: "mystore" }, server, { apiKey: TOKEN });
    const products = await client(server.url, options).fetchRecords("/products.json", {
      params: { status: "active" },
    });
    expect(products.map((p) => p.id)).toEqual(PRODUCTS.map((p) => p.id));
    expect(server.requests).toHaveLength(3);
    expect(server.requests[0]?.query.get("status")).toBe("active");
    expect(server.requests[0]?.query.has("page_info")).toBe(false);
    for (const r of server.requests) {
      expect(r.headers["x-shopify-access-token"]).toBe(TOKEN);
      expect(r.headers.authorization).toBeUndefined();
      expect(r.query.get("limit")).toBe("250");
    }
    expect(server.requests.slice(1).every((r) => r.query.has("page_info"))).toBe(true);
  });

  it("is refused with an AuthError when the token is wrong", async () => {
    const server = await fakeShopify();
    const options = loopbackOptions(shopify, { storeDomain: "mystore" }, server, { apiKey: "shpat_wrong" });
    const error = await client(server.url, options)
      .fetchRecords("/products.json")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(401);
  });

  it("builds the admin URL from a store name or host and an API version", () => {
    expect(shopify.config({ storeDomain: "mystore" }).baseUrl).toBe(
      "https://mystore.myshopify.com/admin/api/2026-07",
    );
    expect(
      shopify.config({ storeDomain: "https://MyStore.myshopify.com/", apiVersion: "2025-10" }).baseUrl,
    ).toBe("https://mystore.myshopify.com/admin/api/2025-10");
    expect(() => shopify.config({ storeDomain: "mystore", apiVersion: "2025-02" })).toThrow(ConfigError);
    expect(() => shopify.config({ storeDomain: "my store" })).toThrow(/storeDomain/);
  });
});
