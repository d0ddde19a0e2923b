// The stripe connector against a loopback Stripe: bearer secret key, { data, has_more } lists paged
// by starting_after = id of the last object (limit 1..100), newest first; search pages by next_page.
import { afterEach, describe, expect, it } from "vitest";
import { stripe } from "../../src/connectors/index.js";
import { AuthError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, type TestServer, useLoopback } from "../support/server.js";
import { loopbackOptions, pathOf } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
// Newest first, as Stripe lists them.
const CUSTOMERS = Array.from({ length: 250 }, (_, i) => ({
  id: `cus_${(250 - i).toString(36).padStart(6, "0")}`,
  object: "customer",
  created: 1_700_000_000 + 250 - i,
}));

function invalid(res: Parameters<Parameters<typeof serve>[0]>[1], message: string, status = 400) {
  json(res, status, { error: { type: "invalid_request_error", message } });
}

/** Stripe's customer list and customer search. */
function fakeStripe(): Promise<TestServer> {
  return serve((req, res) => {
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      invalid(res, "Invalid API Key provided: sk_test_****", 401);
      return;
    }
    const limit = Number(req.query.get("limit") ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      invalid(res, "Invalid integer: limit must be between 1 and 100");
      return;
    }
    if (pathOf(req) === "/v1/customers") {
      const after = req.query.get("starting_after");
      const start = after === null ? 0 : CUSTOMERS.findIndex((c) => c.id === after) + 1;
      if (start === 0 && after !== null) {
        invalid(res, `No such customer: '${after}'`, 404);
        return;
      }
      const data = CUSTOMERS.slice(start, start + limit);
      json(res, 200, {
        object: "list",
        url: "/v1/customers",
        has_more: start + limit < CUSTOMERS.length,
        data,
      });
      return;
    }
    if (pathOf(req) === "/v1/customers/search") {
      const page = req.query.get("page");
      const start = page === null ? 0 : Number(Buffer.from(page, "base64url").toString());
      const end = start + limit;
      const more = end < CUSTOMERS.length;
      json(res, 200, {
        object: "search_result",
        url: "/v1/customers/search",
        has_more: more,
        next_page: more ? Buffer.from(String(end)).toString("base64url") : null,
        data: CUSTOMERS.slice(start, end),
      });
      return;
    }
    invalid(res, "Unrecognized request URL", 404);
  });
}

describe("the stripe connector", () => {
  it("pulls every customer once, in order, passing the last id as starting_after", async () => {
    const server = await fakeStripe();
    const api = client(server.url, loopbackOptions(stripe, {}, server, { token: KEY }));
    const customers = await api.fetchRecords("/customers");
    expect(customers.map((c) => c.id)).toEqual(CUSTOMERS.map((c) => c.id));
    expect(server.requests.map((r) => r.query.get("starting_after"))).toEqual([
      null,
      CUSTOMERS[99]!.id,
      CUSTOMERS[199]!.id,
    ]);
    for (const r of server.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(r.query.get("limit")).toBe("100");
      expect(r.headers["stripe-version"]).toBeUndefined();
    }
  });

  it("sends the Stripe-Version header when an apiVersion is given", async () => {
    const server = await fakeStripe();
    const options = loopbackOptions(stripe, { apiVersion: "2025-09-30.clover" }, server, { token: KEY });
    await client(server.url, options).fetchRecords("/customers", { maxPages: 1 });
    expect(server.requests[0]?.headers["stripe-version"]).toBe("2025-09-30.clover");
  });

  it("pages a search endpoint by next_page with the documented overrides", async () => {
    const server = await fakeStripe();
    const api = client(server.url, loopbackOptions(stripe, {}, server, { token: KEY }));
    const found = await api.fetchRecords("/customers/search", {
      params: { query: "email~'example.com'" },
      cursorFromLastRecord: "",
      nextCursorPath: "next_page",
      cursorParam: "page",
    });
    expect(found.map((c) => c.id)).toEqual(CUSTOMERS.map((c) => c.id));
    expect(server.requests).toHaveLength(3);
    for (const r of server.requests) expect(r.query.get("query")).toBe("email~'example.com'");
  });

  it("is refused with an AuthError when the key is wrong", async () => {
    const server = await fakeStripe();
    const api = client(server.url, loopbackOptions(stripe, {}, server, { token: "sk_test_wrong" }));
    const error = await api.fetchRecords("/customers").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(401);
  });
});
