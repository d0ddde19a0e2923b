// `apikit webhook listen`: a local receiver that verifies signed deliveries (Stripe, GitHub or any
// HMAC) and appends the accepted events as NDJSON, until SIGINT or SIGTERM.
import { type Command, Option } from "commander";
import { consoleLogger } from "../index.js";
import {
  GenericHmacValidator,
  GitHubWebhookValidator,
  type HmacAlgorithm,
  type SignatureEncoding,
  StripeWebhookValidator,
  WebhookReceiver,
  type WebhookValidator,
} from "../webhook/index.js";
import { UsageError } from "./report.js";

interface ListenFlags {
  provider: "stripe" | "github" | "generic";
  secretEnv: string;
  port: number;
  host: string;
  path: string;
  out?: string;
  header?: string;
  prefix?: string;
  algorithm?: HmacAlgorithm;
  encoding?: SignatureEncoding;
  maxEvents?: number;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const wholeNumber = (name: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
};

export function registerWebhook(program: Command): void {
  const webhook = program.command("webhook").description("receive signed webhook deliveries");
  webhook
    .command("listen")
    .description("listen for webhooks, verify each signature, and append accepted events as NDJSON")
    .addOption(
      new Option("--provider <name>", "whose signature scheme to verify")
        .choices(["stripe", "github", "generic"])
        .makeOptionMandatory(),
    )
    .requiredOption(
      "--secret-env <NAME>",
      "environment variable holding the signing secret (never pass it on argv)",
    )
    .option("--port <n>", "port to listen on (0 picks a free one)", wholeNumber("--port", 0, 65_535), 0)
    .option("--host <host>", "address to bind (keep the default unless you know why)", "127.0.0.1")
    .option("--path <path>", "the URL path deliveries are sent to", "/webhook")
    .option("--out <file>", "append accepted events to this NDJSON file (default: stdout)")
    .option("--header <name>", "generic: the header that carries the signature")
    .option(
      "--prefix <text>",
      'generic: text before the digest in the header, e.g. "sha256=" (default: none)',
    )
    .addOption(
      new Option("--algorithm <name>", "generic: HMAC algorithm (default: sha256)").choices([
        "sha1",
        "sha256",
        "sha512",
      ]),
    )
    .addOption(
      new Option("--encoding <name>", "generic: how the digest is written (default: hex)").choices([
        "hex",
        "base64",
      ]),
    )
    .option("--max-events <n>", "events kept in memory (default 10000)", wholeNumber("--max-events", 1, 1e9))
    .addHelpText(
      "after",
      `
Examples:
  $ STRIPE_WEBHOOK_SECRET=whsec_... apikit webhook listen --provider stripe --secret-env STRIPE_WEBHOOK_SECRET \\
      --port 8787 --out stripe-events.ndjson
  $ apikit webhook listen --provider generic --secret-env SHOP_SECRET --header X-Shopify-Hmac-Sha256 \\
      --encoding base64 --out shop.ndjson
It binds 127.0.0.1; expose it with a tunnel (e.g. stripe listen --forward-to, smee, ngrok). Ctrl-C stops it.`,
    )
    .action(async (flags: ListenFlags, command: Command) => {
      const globals = command.optsWithGlobals() as { verbose?: boolean; quiet?: boolean };
      await runListen(flags, globals);
    });
}

function readSecret(name: string): string {
  // Refuse what looks like a secret rather than a name, without echoing it back.
  if (!ENV_NAME.test(name) || name.startsWith("whsec_")) {
    throw new UsageError("--secret-env takes the NAME of an environment variable that holds the secret");
  }
  const secret = process.env[name];
  if (!secret) throw new UsageError(`--secret-env ${name}: that environment variable is empty or not set`);
  return secret;
}

function makeValidator(flags: ListenFlags, secret: string): WebhookValidator {
  const generic = [flags.header, flags.prefix, flags.algorithm, flags.encoding].some((v) => v !== undefined);
  if (flags.provider !== "generic") {
    if (generic)
      throw new UsageError("--header, --prefix, --algorithm and --encoding go with --provider generic");
    return flags.provider === "stripe"
      ? new StripeWebhookValidator(secret)
      : new GitHubWebhookValidator(secret);
  }
  if (!flags.header)
    throw new UsageError("--provider generic needs --header NAME (the header with the signature)");
  return new GenericHmacValidator({
    secret,
    headerName: flags.header,
    prefix: flags.prefix ?? "",
    algorithm: flags.algorithm ?? "sha256",
    encoding: flags.encoding ?? "hex",
  });
}

/** Resolves on the first SIGINT or SIGTERM; `dispose` removes the listeners. */
function onStopSignal(): { signal: Promise<NodeJS.Signals>; dispose: () => void } {
  let listener: ((signal: NodeJS.Signals) => void) | undefined;
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    listener = resolve;
  });
  const dispose = () => {
    process.off("SIGINT", listener!);
    process.off("SIGTERM", listener!);
  };
  process.on("SIGINT", listener!);
  process.on("SIGTERM", listener!);
  return { signal, dispose };
}

async function runListen(flags: ListenFlags, globals: { verbose?: boolean; quiet?: boolean }): Promise<void> {
  const secret = readSecret(flags.secretEnv);
  const validator = makeValidator(flags, secret);
  if (!flags.path.startsWith("/")) throw new UsageError(`--path must start with "/", got "${flags.path}"`);
  const receiver = new WebhookReceiver({
    validator,
    port: flags.port,
    host: flags.host,
    path: flags.path,
    ...(flags.out ? { outputFile: flags.out } : {}),
    ...(flags.maxEvents ? { maxEvents: flags.maxEvents } : {}),
    // Rejections are warnings (a wrong secret shows at once); --quiet leaves errors only.
    logger: consoleLogger(globals.verbose ? "debug" : globals.quiet ? "error" : "warn"),
  });
  const stop = onStopSignal();
  try {
    const url = await receiver.start();
    const where = flags.out ? `appending to ${flags.out}` : "events on stdout";
    process.stderr.write(`apikit: listening on ${url} (${flags.provider}, ${where}); Ctrl-C stops\n`);
    const stopping = stop.signal.then(async (signal) => {
      await receiver.stop();
      return signal;
    });
    for await (const event of receiver) {
      if (!flags.out) process.stdout.write(`${JSON.stringify(event)}\n`);
      if (!globals.quiet) process.stderr.write(`apikit: event ${event.id} ${event.type ?? "(no type)"}\n`);
    }
    const signal = await stopping;
    if (!globals.quiet) {
      process.stderr.write(`apikit: stopped on ${signal} after ${receiver.eventCount} events\n`);
    }
  } finally {
    stop.dispose();
    await receiver.stop();
  }
}
