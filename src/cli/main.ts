#!/usr/bin/env node
// The apikit command line: one file per command; this one wires them into commander and turns
// failures into one clear line and an exit code (0 ok, 1 runtime failure, 2 usage error).
// Must stay the first import: it turns away an old Node before any other module is evaluated.
import "./node-guard.js";
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { registerCluster } from "./cluster.js";
import { registerConfig } from "./config.js";
import { registerDbt } from "./dbt.js";
import { registerDemo } from "./demo.js";
import { registerFetch } from "./fetch.js";
import { registerInspect } from "./inspect.js";
import { reportError } from "./report.js";
import { registerWebhook } from "./webhook.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export async function main(argv: string[]): Promise<number> {
  const program = new Command("apikit")
    .description("Pull any REST or GraphQL API into records and files.")
    .version(pkg.version)
    .option("--verbose", "log requests, retries and waits to stderr; show stacks on errors")
    .option("--quiet", "print nothing but data and errors")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerFetch(program);
  registerDbt(program);
  registerDemo(program);
  registerWebhook(program);
  registerInspect(program);
  registerConfig(program);
  registerCluster(program);
  try {
    await program.parseAsync(argv);
    // A command that finished its output and still failed (cluster wait on a failed pull) set exitCode.
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportError(error, { verbose: program.opts().verbose === true });
  }
}

process.exitCode = await main(process.argv);
