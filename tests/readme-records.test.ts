// The README's record-operations example runs as printed, against a loopback API shaped like
// GitHub's repository listing, and returns the records it says it does.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Apikit } from "../src/index.js";
import { json, startServer, type TestServer } from "./support/server.js";

const REPOS = [
  { id: 1, name: "node", owner: { login: "nodejs", avatar_url: "https://a/1" }, stargazers_count: 9 },
  { id: 2, name: "undici", owner: { login: "nodejs", avatar_url: "https://a/2" }, stargazers_count: 7 },
  { id: 3, name: "broken", owner: null, stargazers_count: 0 },
];

let server: TestServer;
beforeAll(async () => {
  server = await startServer((_req, res) => json(res, 200, REPOS));
});
afterAll(() => server.close());

describe("README: record operations and validation", () => {
  it("returns the renamed, validated records the example implies, and collects the invalid one", async () => {
    const readme = await readFile(join(import.meta.dirname, "../README.md"), "utf8");
    const block = /<!-- record-ops -->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const code = block!.replace(/^import .*$/m, "");
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => (...a: unknown[]) => Promise<Record<string, unknown>>;
    const client = new Apikit({ baseUrl: server.url });
    try {
      const run = new AsyncFunction("client", "z", `${code}\nreturn { repos, records, errors };`);
      const { repos, records, errors } = (await run(client, z)) as {
        repos: Array<Record<string, unknown>>;
        records: unknown[];
        errors: Array<{ index: number; issues: Array<{ path: string }> }>;
      };
      expect(repos.map(({ fetched_at, ...rest }) => rest)).toEqual([
        { id: 1, name: "node", owner_login: "nodejs" },
        { id: 2, name: "undici", owner_login: "nodejs" },
      ]);
      for (const repo of repos) expect(Number.isNaN(Date.parse(String(repo.fetched_at)))).toBe(false);
      expect(records).toHaveLength(2);
      expect(errors.map((e) => [e.index, e.issues[0]?.path])).toEqual([[2, "owner"]]);
    } finally {
      await client.close();
    }
  });
});
