// `apikit inspect <url | connector:path>`: one real request, and what it says about the API: status,
// latency, content type, pagination, record count, rate-limit headroom, a schema sample, and a
// suggested config as TypeScript and TOML. `--json` for machines.
import type { Command } from "commander";
import { collect, type Globals, openTarget, parsePairs, type TargetFlags, targetOptions } from "./target.js";

interface InspectFlags extends TargetFlags {
  dataPath?: string;
  param: string[];
  header: string[];
  json?: boolean;
  dryRun?: boolean;
}

export function registerInspect(program: Command): void {
  const command = program
    .command("inspect")
    .description("look at one response: pagination, records, schema, rate limits, and a suggested config")
    .argument("<target>", "an absolute URL, or connector:path (e.g. github:/orgs/nodejs/repos)")
    .option("--data-path <path>", "dot path to the records, when the detector should not guess")
    .option("--param <k=v>", "query parameter (repeatable)", collect, [])
    .option("--header <k:v>", "request header (repeatable)", collect, [])
    .option("--json", "print the result as JSON")
    .option("--dry-run", "print the request that would be sent, send nothing");
  for (const option of targetOptions()) command.addOption(option);
  command
    .addHelpText(
      "after",
      `
Examples:
  $ apikit inspect https://jsonplaceholder.typicode.com/posts
  $ apikit inspect github:/orgs/nodejs/repos --json | jq .detectedPagination`,
    )
    .action(async (target: string, flags: InspectFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as Globals;
      const { client, path } = await openTarget(target, flags, globals);
      try {
        const options = {
          params: Object.fromEntries(parsePairs(flags.param, "=", "--param")),
          headers: Object.fromEntries(parsePairs(flags.header, ":", "--header")),
          ...(flags.dataPath ? { dataPath: flags.dataPath } : {}),
        };
        if (flags.dryRun) {
          const plan = await client.inspect(path, { ...options, dryRun: true });
          process.stdout.write(`${JSON.stringify(plan.toJSON(), null, 2)}\n`);
          return;
        }
        const result = await client.inspect(path, options);
        process.stdout.write(
          flags.json ? `${JSON.stringify(result.toJSON(), null, 2)}\n` : `${result.toString()}\n`,
        );
      } finally {
        await client.close();
      }
    });
}
