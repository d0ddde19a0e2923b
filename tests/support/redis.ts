// A real redis-server for a test file, on a free loopback port, with no persistence, stopped after the
// file. Without redis-server the cluster tests fail with a clear message when APIKIT_REQUIRE_REDIS=1
// (CI) and are skipped with that message elsewhere.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { freePort } from "./server.ts";

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const REDIS_MISSING =
  "redis-server was not found on PATH: install it (Debian: apt-get install redis-server) to run the cluster tests";

export function redisAvailable(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/** `describe` for the cluster tests: runs them when redis-server is there or is required, else skips them loudly. */
export const clusterTests = (): { skip: boolean } => {
  const required = process.env.APIKIT_REQUIRE_REDIS === "1";
  const available = redisAvailable();
  if (!available && !required) console.warn(`skipping the cluster tests: ${REDIS_MISSING}`);
  return { skip: !available && !required };
};

async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, "127.0.0.1", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
  });
}

export async function startRedis(): Promise<TestRedis> {
  if (!redisAvailable()) throw new Error(REDIS_MISSING);
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--loglevel",
        "warning",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let exited = false;
    child.once("exit", () => {
      exited = true;
    });
    for (let i = 0; i < 100 && !exited; i++) {
      if (await ping(port)) {
        return {
          url: `redis://127.0.0.1:${port}`,
          port,
          stop: async () => {
            if (exited) return;
            const gone = new Promise((resolve) => child.once("exit", resolve));
            child.kill("SIGTERM");
            await Promise.race([gone, delay(3_000)]);
            if (!exited) child.kill("SIGKILL");
          },
        };
      }
      await delay(50);
    }
    child.kill("SIGKILL");
  }
  throw new Error("redis-server did not start on a free loopback port after 5 tries");
}
