// Worker processes for the cluster tests: the built `apikit worker` CLI, as a user would run it.
import { type ChildProcess, spawn } from "node:child_process";
import { BIN } from "../support/cli.js";

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it wrote to stderr. */
  log(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startWorkerProcess(
  redisUrl: string,
  options: { concurrency?: number; lockMs?: number; env?: Record<string, string> } = {},
): Promise<WorkerProcess> {
  const args = [BIN, "worker", "--redis", redisUrl, "--concurrency", String(options.concurrency ?? 2)];
  if (options.lockMs) args.push("--lock-ms", String(options.lockMs));
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? "", ...options.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => {
    log += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  // Ready once it says it listens on the queue (bounded: 15 s).
  for (let i = 0; i < 300 && !log.includes("cluster worker "); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!log.includes("cluster worker ")) {
    child.kill("SIGKILL");
    throw new Error(`apikit worker did not start: ${log}`);
  }
  return { child, pid: child.pid ?? 0, log: () => log, exited };
}

export async function stopWorkers(workers: WorkerProcess[]): Promise<void> {
  for (const w of workers)
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGTERM");
  await Promise.all(workers.map((w) => Promise.race([w.exited, new Promise((r) => setTimeout(r, 10_000))])));
  for (const w of workers)
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
}
