// The demo's faults: 429s with Retry-After and 503s on a fixed schedule per resource, counted in
// stats, and survived by apikit's retries (which its hooks report).
import { afterEach, describe, expect, it } from "vitest";
import {
  catalogEntry,
  DEMO_RESOURCES,
  DEMO_REVIEWS_QUERY,
  type DemoResource,
  type DemoServer,
  demoRecords,
  startDemoServer,
} from "../../src/demo/index.js";
import { Apikit } from "../../src/facade/index.js";
import type { RetryEvent } from "../../src/http/index.js";

const servers: DemoServer[] = [];
const clients: Apikit[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: Parameters<typeof startDemoServer>[0]) {
  const server = await startDemoServer(options);
  servers.push(server);
  return server;
}

function client(url: string, retries: RetryEvent[]) {
  const c = new Apikit({
    baseUrl: url,
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
    hooks: { onRetry: (e) => void retries.push(e) },
  });
  clients.push(c);
  return c;
}

/** Pulls a resource the way the catalog says, 10 records a page. */
function pull(api: Apikit, name: DemoResource) {
  const info = catalogEntry(name);
  return info.pagination
    ? api.fetchRecords(info.path, { ...info.pagination, pageSize: 10 })
    : api.graphql<unknown[]>("/graphql", DEMO_REVIEWS_QUERY, {
        paginate: true,
        connectionPath: "reviews",
        pageSize: 10,
      });
}

async function statuses(url: string, path: string, count: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${url}${path}`);
    await response.arrayBuffer();
    seen.push(response.status);
  }
  return seen;
}

describe("demo faults", () => {
  it("answer the 5th request of a resource 429 with Retry-After: 1 and the 17th 503", async () => {
    const server = await serve({ size: 10 });
    const seen: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 1; i <= 18; i++) {
      const response = await fetch(`${server.url}/users`);
      await response.arrayBuffer();
      seen.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get("retry-after");
    }
    expect(seen.map((s, i) => [i + 1, s]).filter(([, s]) => s !== 200)).toEqual([
      [5, 429],
      [17, 503],
    ]);
    expect(retryAfter).toBe("1");
    // Each resource keeps its own count.
    expect(await statuses(server.url, "/orders", 5)).toEqual([200, 200, 200, 200, 429]);
    expect(server.stats.resources.users).toEqual({ requests: 18, rateLimited: 1, unavailable: 1 });
    expect(server.stats.total).toEqual({ requests: 23, rateLimited: 2, unavailable: 1 });
  });

  it("follow a custom schedule, and none with faults: false", async () => {
    const custom = await serve({ size: 10, faults: { rateLimitAt: [1], unavailableAt: [2, 3] } });
    expect(await statuses(custom.url, "/events", 4)).toEqual([429, 503, 503, 200]);
    const calm = await serve({ size: 10, faults: false });
    expect(await statuses(calm.url, "/events", 20)).toEqual(Array(20).fill(200));
    expect(calm.stats.total).toEqual({ requests: 20, rateLimited: 0, unavailable: 0 });
  });

  it("are survived: every resource pulled in full, each retry reported by the hooks", async () => {
    const server = await serve({ size: 250 });
    const retries: RetryEvent[] = [];
    const started = performance.now();
    const pulled = await Promise.all(DEMO_RESOURCES.map((name) => pull(client(server.url, retries), name)));
    DEMO_RESOURCES.forEach((name, i) => {
      expect(pulled[i], name).toEqual(demoRecords(name, { size: 250 }));
    });
    // 25 pages each: the 5th request meets a 429 and (for GET resources) the 17th a 503.
    for (const name of DEMO_RESOURCES) {
      const unavailable = name === "reviews" ? 0 : 1;
      expect(server.stats.resources[name], name).toEqual({
        requests: 26 + unavailable,
        rateLimited: 1,
        unavailable,
      });
    }
    const rateLimited = retries.filter((r) => r.status === 429);
    expect(rateLimited).toHaveLength(5);
    expect(rateLimited.every((r) => r.waitMs === 1000)).toBe(true);
    expect(retries.filter((r) => r.status === 503)).toHaveLength(4);
    // The five Retry-After waits ran side by side.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it("never answer the GraphQL POST with a 503, which a client must not retry", async () => {
    const server = await serve({ size: 10, faults: { rateLimitAt: [], unavailableAt: [1, 2] } });
    const retries: RetryEvent[] = [];
    const reviews = await pull(client(server.url, retries), "reviews");
    expect(reviews).toHaveLength(10);
    expect(server.stats.resources.reviews.unavailable).toBe(0);
    expect(retries).toEqual([]);
  });
});
