// The demo server's contract: one response shape per pagination style, 400s for bad parameters,
// latency, and a listener on 127.0.0.1 only.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_REVIEWS_QUERY, type DemoServer, demoRecords, startDemoServer } from "../../src/demo/index.js";

let server: DemoServer;
beforeAll(async () => {
  server = await startDemoServer({ size: 60, faults: false });
});
afterAll(() => server.close());

async function get(path: string) {
  const response = await fetch(`${server.url}${path}`);
  return { status: response.status, headers: response.headers, body: (await response.json()) as never };
}

async function graphql(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

describe("demo server", () => {
  it("serves users by offset and limit with the total", async () => {
    const { status, body } = await get("/users?offset=10&limit=5");
    const page = body as { total: number; offset: number; limit: number; users: Array<{ id: number }> };
    expect(status).toBe(200);
    expect(page.total).toBe(60);
    expect(page.offset).toBe(10);
    expect(page.users.map((u) => u.id)).toEqual([11, 12, 13, 14, 15]);
  });

  it("serves nested users with arrays, nulls and unicode", async () => {
    const { body } = await get("/users?limit=60");
    const users = (body as { users: Array<Record<string, unknown>> }).users;
    const first = users[0] as { address: { geo: { lat: unknown; lng: unknown } }; tags: unknown };
    expect(typeof first.address.geo.lat).toBe("number");
    expect(typeof first.address.geo.lng).toBe("number");
    expect(Array.isArray(first.tags)).toBe(true);
    expect(users.some((u) => u.phone === null)).toBe(true);
    expect(users.some((u) => /[\u0080-\uffff]/.test(String(u.name)))).toBe(true);
  });

  it("serves orders by page number with total_pages and line items", async () => {
    const { body } = await get("/orders?page=3&per_page=25");
    const page = body as {
      page: number;
      per_page: number;
      total_pages: number;
      total: number;
      data: Array<{ number: number; items: Array<{ sku: string; quantity: number }> }>;
    };
    expect(page).toMatchObject({ page: 3, per_page: 25, total_pages: 3, total: 60 });
    expect(page.data.map((o) => o.number)).toEqual(Array.from({ length: 10 }, (_, i) => 51 + i));
    expect(page.data[0]!.items.length).toBeGreaterThan(0);
    expect(page.data[0]!.items[0]!.sku).toMatch(/^SKU-\d{5}$/);
  });

  it("serves events by an opaque cursor until has_more is false", async () => {
    const first = (await get("/events?limit=50")).body as {
      data: Array<{ id: string }>;
      next_cursor: string | null;
      has_more: boolean;
    };
    expect(first.data).toHaveLength(50);
    expect(first.has_more).toBe(true);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = (await get(`/events?limit=50&cursor=${first.next_cursor}`)).body as typeof first;
    expect(second.data.map((e) => e.id)).toEqual(
      demoRecords("events", { size: 60 })
        .slice(50)
        .map((e) => e.id),
    );
    expect(second).toMatchObject({ next_cursor: null, has_more: false });
  });

  it("serves products as a bare array with Link next and last", async () => {
    const { body, headers } = await get("/products?page=2&per_page=20");
    expect((body as Array<{ id: number }>).map((p) => p.id)).toEqual(
      Array.from({ length: 20 }, (_, i) => 21 + i),
    );
    const link = headers.get("link") ?? "";
    expect(link).toContain(`<${server.url}/products?page=3&per_page=20>; rel="next"`);
    expect(link).toContain(`<${server.url}/products?page=3&per_page=20>; rel="last"`);
    const last = await get("/products?page=3&per_page=20");
    expect(last.headers.get("link")).not.toContain('rel="next"');
  });

  it("serves reviews as a Relay connection with first and after", async () => {
    const first = (await graphql(DEMO_REVIEWS_QUERY, { first: 40 })).body as {
      data: {
        reviews: {
          edges: Array<{ node: { id: string; author: { name: string }; tags: string[] } }>;
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
    };
    const { edges, pageInfo } = first.data.reviews;
    expect(edges).toHaveLength(40);
    expect(edges[0]!.node.author.name).toEqual(expect.any(String));
    expect(pageInfo.hasNextPage).toBe(true);
    const rest = (await graphql(DEMO_REVIEWS_QUERY, { first: 40, after: pageInfo.endCursor }))
      .body as typeof first;
    expect(rest.data.reviews.edges.map((e) => e.node.id)).toEqual(
      demoRecords("reviews", { size: 60 })
        .slice(40)
        .map((r) => r.id),
    );
    expect(rest.data.reviews.pageInfo.hasNextPage).toBe(false);
  });

  it("caps page sizes at pageSizeMax", async () => {
    const capped = await startDemoServer({ size: 500, pageSizeMax: 30, faults: false });
    try {
      const response = await fetch(`${capped.url}/users?limit=1000`);
      const body = (await response.json()) as { limit: number; users: unknown[] };
      expect(body.limit).toBe(30);
      expect(body.users).toHaveLength(30);
    } finally {
      await capped.close();
    }
  });

  it("answers 400 for bad parameters and 404 for unknown paths", async () => {
    expect((await get("/users?limit=abc")).status).toBe(400);
    expect((await get("/orders?page=0")).status).toBe(400);
    expect((await get("/events?cursor=not-a-cursor")).status).toBe(400);
    expect((await get("/nope")).status).toBe(404);
    const bad = await graphql("{ reviews(first: 1) { nope } }");
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
  });

  it("lists its resources at the root", async () => {
    const { body } = await get("/");
    const names = (body as { resources: Array<{ name: string; path: string }> }).resources.map((r) => r.name);
    expect(names).toEqual(["users", "orders", "events", "products", "reviews"]);
  });

  it("adds latencyMs to every response", async () => {
    const slow = await startDemoServer({ size: 5, latencyMs: 150, faults: false });
    try {
      const started = performance.now();
      const response = await fetch(`${slow.url}/users`);
      await response.json();
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await slow.close();
    }
  });

  it("listens on 127.0.0.1 and nowhere else", async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const refused = (host: string) =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ host, port: server.port });
        socket.once("connect", () => {
          socket.destroy();
          resolve(false);
        });
        socket.once("error", () => resolve(true));
      });
    expect(await refused("127.0.0.2")).toBe(true);
    expect(await refused("::1")).toBe(true);
  });

  it("rejects options that are not whole numbers", async () => {
    await expect(startDemoServer({ size: -1 })).rejects.toThrow(/size/);
    await expect(startDemoServer({ pageSizeMax: 0 })).rejects.toThrow(/pageSizeMax/);
  });
});
