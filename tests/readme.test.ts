// The README's quick start must run: it is executed here against a loopback server that answers like
// JSONPlaceholder (offset paging with _start/_limit and X-Total-Count).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Apikit } from "../src/index.js";
import { json, startServer, type TestServer } from "./support/server.js";

const POSTS = Array.from({ length: 100 }, (_, i) => ({
  userId: (i % 10) + 1,
  id: i + 1,
  title: `post ${i + 1}`,
  body: "…",
}));
const COMMENTS = Array.from({ length: 500 }, (_, i) => ({
  postId: Math.floor(i / 5) + 1,
  id: i + 1,
  body: "c",
}));

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const all = req.url.startsWith("/posts") ? POSTS : COMMENTS;
    const start = Number(req.query.get("_start") ?? 0);
    const limit = Number(req.query.get("_limit") ?? all.length);
    json(res, 200, all.slice(start, start + limit), { "x-total-count": String(all.length) });
  });
});
afterAll(() => server.close());

describe("README", () => {
  it("has a quick start that runs", async () => {
    const readme = await readFile(join(import.meta.dirname, "../README.md"), "utf8");
    const block = /<!-- quick-start -->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const code = block!
      .replace(/^import .*$/m, "")
      .replace("https://jsonplaceholder.typicode.com", server.url)
      .replace("await using client", "const client");
    const printed: string[] = [];
    const log = (...args: unknown[]) => void printed.push(args.join(" "));
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => (...a: unknown[]) => Promise<void>;
    await new AsyncFunction("Apikit", "console", `${code}\nawait client.close();`)(Apikit, { log });
    expect(printed).toEqual(["100 post 1", "page 0: 25 comments", "page 1: 25 comments"]);
    expect(server.requests.filter((r) => r.url.startsWith("/posts"))).toHaveLength(4);
  });
});
