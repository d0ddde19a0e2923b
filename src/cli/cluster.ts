// `apikit cluster submit|status|retry|wait` and `apikit worker`: one pull across many workers on
// BullMQ + Redis (src/cluster). Every command takes --redis URL (default $APIKIT_REDIS_URL, else
// redis://127.0.0.1:6379); the worker runs until SIGTERM/SIGINT, then puts its partitions back with
// their checkpoints and exits 0.
import type { Command } from "commander";
import { Cluster, consoleLogger, loadSpec, type PullStatus, startWorker } from "../index.js";
import { positiveInt } from "./target.js";

const REDIS_HELP = "Redis URL (default: $APIKIT_REDIS_URL, else redis://127.0.0.1:6379)";

interface Flags {
  redis?: string;
  json?: boolean;
}

function statusLine(s: PullStatus): string {
  const p = s.partitions;
  return `${s.id} ${s.state}: ${p.done}/${p.total} partitions done, ${p.running} running, ${p.waiting} waiting, ${p.failed} failed; ${s.records} records, ${s.retries} retries`;
}

function printStatus(s: PullStatus, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${statusLine(s)}\n`);
  for (const f of s.failures)
    process.stdout.write(`  partition ${f.partition}: ${f.error.name}: ${f.error.message}\n`);
  if (s.output.manifest) process.stdout.write(`  manifest: ${s.output.manifest}\n`);
}

async function withCluster<R>(flags: Flags, run: (cluster: Cluster) => Promise<R>): Promise<R> {
  const cluster = new Cluster(flags.redis ? { redis: flags.redis } : {});
  try {
    return await run(cluster);
  } finally {
    await cluster.close();
  }
}

export function registerCluster(program: Command): void {
  const cluster = program
    .command("cluster")
    .description("one pull across many workers: submit a pull spec, follow it, retry its failed partitions");

  cluster
    .command("submit")
    .description(
      "queue a pull spec's partitions (JSON or TOML); prints the pull id (the same spec gives the same id)",
    )
    .argument("<spec>", "the pull spec file")
    .option("--redis <url>", REDIS_HELP)
    .option("--json", "print { id, partitions } as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  $ APIKIT_REDIS_URL=redis://127.0.0.1:6379 apikit cluster submit orders.json",
    )
    .action(async (path: string, flags: Flags) => {
      const spec = await loadSpec(path);
      await withCluster(flags, async (c) => {
        const id = await c.submit(spec);
        if (flags.json) {
          const status = await c.status(id);
          process.stdout.write(
            `${JSON.stringify({ id, partitions: status.partitions.total, state: status.state })}\n`,
          );
        } else process.stdout.write(`${id}\n`);
      });
    });

  cluster
    .command("status")
    .description("where a pull is: state, partitions, records, retries, failures")
    .argument("<id>", "the pull id that submit printed")
    .option("--redis <url>", REDIS_HELP)
    .option("--json", "print the status as JSON")
    .addHelpText("after", "\nExample:\n  $ apikit cluster status orders-by-store-3f2a9c1e0b7d --json")
    .action(async (id: string, flags: Flags) => {
      await withCluster(flags, async (c) => printStatus(await c.status(id), flags.json));
    });

  cluster
    .command("retry")
    .description("put a pull's failed partitions (only those) back in the queue")
    .argument("<id>", "the pull id")
    .option("--redis <url>", REDIS_HELP)
    .addHelpText("after", "\nExample:\n  $ apikit cluster retry orders-by-store-3f2a9c1e0b7d")
    .action(async (id: string, flags: Flags) => {
      await withCluster(flags, async (c) => {
        const n = await c.retry(id);
        process.stdout.write(`${n} failed partition${n === 1 ? "" : "s"} queued again\n`);
      });
    });

  cluster
    .command("wait")
    .description("block until a pull is complete (exit 0) or failed (exit 1); progress on a TTY")
    .argument("<id>", "the pull id")
    .option("--redis <url>", REDIS_HELP)
    .option("--json", "print the final status as JSON")
    .addHelpText("after", "\nExample:\n  $ apikit cluster wait orders-by-store-3f2a9c1e0b7d && echo complete")
    .action(async (id: string, flags: Flags) => {
      const tty = process.stderr.isTTY === true;
      const final = await withCluster(flags, (c) =>
        c.wait(id, {
          onStatus: (s) => {
            if (tty) process.stderr.write(`\r\x1b[2K${statusLine(s)}`);
          },
        }),
      );
      if (tty) process.stderr.write("\n");
      printStatus(final, flags.json);
      if (final.state !== "complete") process.exitCode = 1;
    });

  program
    .command("worker")
    .description("pull partitions of submitted specs until SIGTERM/SIGINT (then checkpoint and exit 0)")
    .option("--redis <url>", REDIS_HELP)
    .option("--concurrency <n>", "partitions at once (default 2)", positiveInt("--concurrency"))
    .option(
      "--lock-ms <ms>",
      "how long a dead worker's partition waits before another worker takes it (default 30000)",
      positiveInt("--lock-ms"),
    )
    .addHelpText("after", "\nExample:\n  $ apikit worker --redis redis://127.0.0.1:6379 --concurrency 4")
    .action(async (flags: Flags & { concurrency?: number; lockMs?: number }) => {
      const opts = program.opts() as { verbose?: boolean; quiet?: boolean };
      const logger = consoleLogger(opts.verbose ? "debug" : opts.quiet ? "error" : "info");
      const worker = await startWorker({
        redis: flags.redis,
        concurrency: flags.concurrency,
        lockDurationMs: flags.lockMs,
        logger,
      });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          logger.info(`${signal}: finishing the pages in flight, saving checkpoints, then exiting`);
          worker.close().then(resolve, (error: Error) => {
            logger.error(`worker shutdown: ${error.message}`);
            resolve();
          });
        };
        process.once("SIGTERM", () => stop("SIGTERM"));
        process.once("SIGINT", () => stop("SIGINT"));
      });
    });
}
