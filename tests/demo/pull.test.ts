// apikit against the demo API: every record of every resource exactly once, in order, through each
// pagination style, with the strategy named and with "auto" detecting it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  catalogEntry,
  DEMO_REVIEWS_QUERY,
  type DemoResource,
  type DemoServer,
  demoRecords,
  startDemoServer,
} from "../../src/demo/index.js";
import { Apikit } from "../../src/facade/index.js";
import { FAST_RETRY } from "../support/server.js";

const SIZE = 237;
const REST: DemoResource[] = ["users", "orders", "events", "products"];

let server: DemoServer;
let api: Apikit;
beforeAll(async () => {
  server = await startDemoServer({ size: SIZE, faults: false, pageSizeMax: 50 });
  api = new Apikit({ baseUrl: server.url, retry: FAST_RETRY });
});
afterAll(async () => {
  await api.close();
  await server.close();
});

describe("pulling the demo API", () => {
  it.each(REST)("pulls every %s record exactly once with the named strategy", async (name) => {
    const info = catalogEntry(name);
    const records = await api.fetchRecords(info.path, { ...info.pagination, pageSize: 20 });
    expect(records).toEqual(demoRecords(name, { size: SIZE }));
  });

  it.each(REST)("pulls every %s record exactly once with strategy auto", async (name) => {
    const before = server.stats.resources[name].requests;
    const records = await api.fetchRecords(catalogEntry(name).path, { strategy: "auto" });
    expect(records).toEqual(demoRecords(name, { size: SIZE }));
    // The server's default page size is 25: the detected strategy walked the pages, one request each.
    expect(server.stats.resources[name].requests - before).toBe(Math.ceil(SIZE / 25));
  });

  it("pulls every review exactly once through the Relay connection", async () => {
    const reviews = await api.graphql<Array<Record<string, unknown>>>("/graphql", DEMO_REVIEWS_QUERY, {
      paginate: true,
      connectionPath: "reviews",
      pageSize: 40,
    });
    expect(reviews).toEqual(demoRecords("reviews", { size: SIZE }));
  });

  it("pulls fully when the page size asked for is above the server's cap", async () => {
    const records = await api.fetchRecords("/users", { ...catalogEntry("users").pagination, pageSize: 500 });
    expect(records.map((r) => r.id)).toEqual(Array.from({ length: SIZE }, (_, i) => i + 1));
  });

  it("counts the requests of each resource in stats", async () => {
    const fresh = await startDemoServer({ size: 100, faults: false });
    const client = new Apikit({ baseUrl: fresh.url, retry: FAST_RETRY });
    try {
      await client.fetchRecords("/orders", { ...catalogEntry("orders").pagination, pageSize: 10 });
      await client.graphql("/graphql", DEMO_REVIEWS_QUERY, {
        paginate: true,
        connectionPath: "reviews",
        pageSize: 50,
      });
      expect(fresh.stats.resources.orders).toEqual({ requests: 10, rateLimited: 0, unavailable: 0 });
      expect(fresh.stats.resources.reviews).toEqual({ requests: 2, rateLimited: 0, unavailable: 0 });
      expect(fresh.stats.resources.users.requests).toBe(0);
      expect(fresh.stats.total.requests).toBe(12);
    } finally {
      await client.close();
      await fresh.close();
    }
  });
});
