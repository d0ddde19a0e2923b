// The inspect, config and connectors commands, connector:path targets and the TTY progress line,
// driven through the built binary as a user would.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runApikit } from "../support/cli.js";
import { json, makeRecords, startServer, type TestServer } from "../support/server.js";

const ALL = makeRecords(45);

const apikit = (args: string[], env: Record<string, string> = {}, stdin = "") =>
  runApikit(args, { env: { HOME: home, ...env }, stdin });

let server: TestServer;
let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "apikit-home-"));
  server = await startServer((req, res) => {
    if (req.url.startsWith("/private") && req.headers.authorization !== "Bearer saved-secret-777") {
      return json(res, 401, { message: "bad credentials" });
    }
    const cursor = Number(req.query.get("cursor") ?? 0);
    const page = ALL.slice(cursor, cursor + 10);
    const next = cursor + 10 < ALL.length ? String(cursor + 10) : null;
    json(
      res,
      200,
      { data: page, next_cursor: next, has_more: next !== null },
      { "x-ratelimit-remaining": "99", "x-ratelimit-limit": "100" },
    );
  });
});
afterAll(() => server.close());

describe("apikit inspect", () => {
  it("prints what it found and a suggested config; --json for machines", async () => {
    const run = await apikit(["inspect", `${server.url}/v1/items`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("status         200");
    expect(run.stdout).toContain("pagination     cursor");
    expect(run.stdout).toContain('records        10 at "data"');
    expect(run.stdout).toContain("rate limit     99 of 100 left");
    expect(run.stdout).toContain(`baseUrl: "${server.url}/v1"`);
    expect(run.stdout).toContain("[connectors.api]");
    const machine = await apikit(["inspect", `${server.url}/v1/items`, "--json"]);
    const parsed = JSON.parse(machine.stdout) as {
      recordCount: number;
      detectedPagination: { strategy: string };
    };
    expect(parsed.recordCount).toBe(10);
    expect(parsed.detectedPagination.strategy).toBe("cursor");
  });
});

describe("apikit config and connector:path", () => {
  it("saves a connector with the secret from stdin, never prints it, and fetches through it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "apikit-config-"));
    const env = { APIKIT_CONFIG_PATH: join(dir, "config.toml") };
    const add = await apikit(
      [
        "config",
        "add",
        "mine",
        "--base-url",
        server.url,
        "--auth",
        "bearer",
        "--strategy",
        "cursor",
        "--store-secret",
        "file",
      ],
      env,
      "saved-secret-777\n",
    );
    expect(add.code).toBe(0);
    expect(add.stderr).toContain("saved connector mine");
    expect((await stat(env.APIKIT_CONFIG_PATH)).mode & 0o777).toBe(0o600);

    const list = await apikit(["config", "list"], env);
    expect(list.stdout).toContain(`mine\tbearer\t${server.url}\tsecret in file`);
    const show = await apikit(["config", "show", "mine"], env);
    expect(JSON.parse(show.stdout)).toMatchObject({ baseUrl: server.url, auth: { type: "bearer" } });
    expect(show.stdout + list.stdout).not.toContain("saved-secret-777");

    const fetched = await apikit(["fetch", "mine:/private", "--quiet"], env);
    expect(fetched.code).toBe(0);
    expect(fetched.stdout.trim().split("\n")).toHaveLength(45);

    const connectors = await apikit(["connectors"], env);
    expect(connectors.stdout).toMatch(/^github\s+built-in\s+bearer\s+link/m);
    expect(connectors.stdout).toMatch(/^mine\s+saved\s+bearer/m);

    const removed = await apikit(["config", "remove", "mine"], env);
    expect(removed.code).toBe(0);
    const gone = await apikit(["fetch", "mine:/private"], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('No connector named "mine"');
    expect((await readFile(env.APIKIT_CONFIG_PATH, "utf8")).includes("[connectors.mine]")).toBe(false);
  });

  it("a built-in connector without its token fails with where it looked, exit 1", async () => {
    const dir = await mkdtemp(join(tmpdir(), "apikit-config-"));
    const run = await apikit(["fetch", "github:/orgs/nodejs/repos"], {
      APIKIT_CONFIG_PATH: join(dir, "c.toml"),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "github token is missing: looked in an environment variable (GITHUB_TOKEN or APIKIT_TOKEN)",
    );
  });
});

describe("checkpoint and incremental flags", () => {
  it("--since-field/--state keeps a mark between runs; --checkpoint resumable output", async () => {
    const dir = await mkdtemp(join(tmpdir(), "apikit-incr-"));
    const state = join(dir, "since.json");
    const args = [
      "fetch",
      `${server.url}/items`,
      "--strategy",
      "cursor",
      "--since-field",
      "id",
      "--state",
      state,
      "--quiet",
    ];
    const first = await apikit(args);
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split("\n")).toHaveLength(45);
    expect(JSON.parse(await readFile(state, "utf8"))).toMatchObject({ cursorField: "id", value: 45 });
    const second = await apikit(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe("");
    expect(server.requests.at(-1)?.query.get("since")).toBe("45");

    const out = join(dir, "items.csv");
    const checkpoint = join(dir, "items.checkpoint.json");
    const run = await apikit([
      "fetch",
      `${server.url}/items`,
      "--strategy",
      "cursor",
      "-o",
      out,
      "--checkpoint",
      checkpoint,
      "--quiet",
    ]);
    expect(run.code).toBe(0);
    expect((await readFile(out, "utf8")).trim().split("\n")).toHaveLength(46);
    await expect(stat(checkpoint)).rejects.toThrow(/ENOENT/);
    expect((await apikit(["fetch", `${server.url}/items`, "--checkpoint", checkpoint])).code).toBe(2);
  });
});

describe("progress", () => {
  it("renders a live line on a terminal and ends with the summary", async () => {
    const out = join(home, "p.ndjson");
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} fetch ${server.url}/items --strategy cursor -o ${JSON.stringify(out)}`;
    // `script` gives the command a pseudo-terminal; spawned, not spawnSync, so this process keeps serving.
    const run = await new Promise<{ code: number | null; screen: string }>((resolve) => {
      const child = spawn("script", ["-qec", command, "/dev/null"], {
        env: { PATH: process.env.PATH ?? "", HOME: home, TERM: "xterm" },
      });
      let screen = "";
      child.stdout.on("data", (d: Buffer) => (screen += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, screen });
      });
    });
    expect(run.code).toBe(0);
    expect(run.screen).toMatch(/\d+ pages \| \d+ records \| \d+ rec\/s \| [\d.]+ MB \| 0 retries \| 0 waits/);
    expect(run.screen).toContain("5 pages | 45 records");
    expect(run.screen).toMatch(
      /apikit: 45 records from 5 pages to .*p\.ndjson \(ndjson, \d+ bytes\) in [\d.]+ s/,
    );
    expect((await readFile(out, "utf8")).trim().split("\n")).toHaveLength(45);
  });

  it("prints one summary line when stderr is not a terminal", async () => {
    const run = await apikit(["fetch", `${server.url}/items`, "--strategy", "cursor"]);
    expect(run.code).toBe(0);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^apikit: 45 records from 5 pages in [\d.]+ s\n$/);
  });
});

describe("help", () => {
  /** The subcommands a help text lists under "Commands:" (without commander's own `help`). */
  const subcommands = (help: string) =>
    [...(help.split("\nCommands:\n")[1] ?? "").matchAll(/^ {2}([a-z][\w-]*)/gm)]
      .map((m) => m[1]!)
      .filter((name) => name !== "help");

  it("every command, down to config list/show/remove, ends its --help with an example", async () => {
    const leaves: Array<{ path: string[]; help: string }> = [];
    let level: string[][] = [[]];
    for (let depth = 0; level.length > 0 && depth < 3; depth++) {
      const helps = await Promise.all(level.map((path) => apikit([...path, "--help"])));
      const next: string[][] = [];
      helps.forEach((run, i) => {
        expect(run.code).toBe(0);
        const children = subcommands(run.stdout);
        if (children.length === 0) leaves.push({ path: level[i]!, help: run.stdout });
        for (const child of children) next.push([...level[i]!, child]);
      });
      level = next;
    }
    const names = leaves.map((l) => l.path.join(" "));
    expect(names).toEqual(expect.arrayContaining(["fetch", "config list", "config show", "config remove"]));
    const withoutExample = leaves.filter((l) => !/\nExamples?:\n {2}\$ (\w+=\S+ )?apikit /.test(l.help));
    expect(withoutExample.map((l) => l.path.join(" "))).toEqual([]);
  }, 60_000);
});
