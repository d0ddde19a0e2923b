// The jsonplaceholder connector against a loopback JSONPlaceholder: no auth, each listing in one response.
import { afterEach, describe, expect, it } from "vitest";
import { jsonplaceholder } from "../../src/connectors/index.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, useLoopback } from "../support/server.js";
import { loopbackOptions, pathOf } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const POSTS = Array.from({ length: 100 }, (_, i) => ({
  userId: Math.floor(i / 10) + 1,
  id: i + 1,
  title: `post ${i + 1}`,
}));

describe("the jsonplaceholder connector", () => {
  it("fetches a whole listing with one unauthenticated request", async () => {
    const server = await serve((req, res) => {
      if (pathOf(req) === "/posts") json(res, 200, POSTS);
      else json(res, 404, {});
    });
    const api = client(server.url, loopbackOptions(jsonplaceholder, {}, server, {}));
    const posts = await api.fetchRecords("/posts");
    expect(posts.map((p) => p.id)).toEqual(POSTS.map((p) => p.id));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.url).toBe("/posts");
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("points at jsonplaceholder.typicode.com without pagination", () => {
    const config = jsonplaceholder.config();
    expect(config.baseUrl).toBe("https://jsonplaceholder.typicode.com");
    expect(config.pagination?.strategy).toBe("none");
    expect(jsonplaceholder.credentials).toEqual({});
  });
});
