// `apikit config add|list|show|remove` (saved connectors; secrets prompted without echo and kept in the
// OS keyring, never printed) and `apikit connectors` (built-in and saved, with auth, pagination and
// the options and secrets each needs).
import { type Command, Option } from "commander";
import {
  type ApiConfigInput,
  ConfigManager,
  type ConnectorNeed,
  connectorNeeds,
  connectors,
  PaginationStrategy,
} from "../index.js";
import { UsageError } from "./report.js";
import { readSecret } from "./secret-prompt.js";
import { collect, parsePairs, positiveInt } from "./target.js";

interface AddFlags {
  baseUrl?: string;
  auth?: "none" | "bearer" | "apikey" | "basic" | "oauth2";
  username?: string;
  clientId?: string;
  tokenUrl?: string;
  scope: string[];
  apiKeyHeader?: string;
  apiKeyParam?: string;
  header: string[];
  option: string[];
  strategy?: string;
  dataPath?: string;
  pageSize?: number;
  timeout?: number;
  maxRetries?: number;
  storeSecret: "keyring" | "file";
  secretEnv?: string;
}

const SECRET_FIELD = {
  bearer: "token",
  apikey: "apiKey",
  basic: "password",
  oauth2: "clientSecret",
} as const;

export function registerConfig(program: Command): void {
  const config = program
    .command("config")
    .description("save, list, show and remove named connectors (~/.config/apikit/config.toml + OS keyring)");

  config
    .command("add")
    .description("save a connector; its secret is asked for without echo (or read from --secret-env / stdin)")
    .argument("<name>", "connector name (a built-in such as github, or your own)")
    .option("--base-url <url>", "the API's base URL (default: the built-in connector's)")
    .addOption(
      new Option("--auth <type>", "auth type").choices(["none", "bearer", "apikey", "basic", "oauth2"]),
    )
    .option("--username <name>", "basic auth user")
    .option("--client-id <id>", "oauth2 client id")
    .option("--token-url <url>", "oauth2 token endpoint")
    .option("--scope <scope>", "oauth2 scope (repeatable)", collect, [])
    .option("--api-key-header <name>", "apikey: header carrying the key")
    .option("--api-key-param <name>", "apikey: query parameter carrying the key")
    .option("--header <k:v>", "header sent with every request (repeatable)", collect, [])
    .option("--option <k=v>", "built-in connector option, e.g. storeDomain=mystore (repeatable)", collect, [])
    .addOption(new Option("--strategy <name>", "pagination strategy").choices(PaginationStrategy.options))
    .option("--data-path <path>", "dot path to the records")
    .option("--page-size <n>", "records per page", positiveInt("--page-size"))
    .option("--timeout <ms>", "per-request timeout in ms", positiveInt("--timeout"))
    .option("--max-retries <n>", "retries per request", (v) => Number(v))
    .addOption(
      new Option("--store-secret <where>", "keyring (default), or file: the 0600 config file, with a warning")
        .choices(["keyring", "file"])
        .default("keyring"),
    )
    .option("--secret-env <NAME>", "read the secret from this environment variable instead of asking")
    .addHelpText(
      "after",
      `
Examples:
  $ apikit config add github                      # asks for the token, keeps it in the OS keyring
  $ apikit config add billing --base-url https://billing.internal/api --auth bearer --strategy cursor
  $ BILLING_TOKEN=... apikit config add billing --base-url https://billing.internal/api --secret-env BILLING_TOKEN`,
    )
    .action(async (name: string, flags: AddFlags) => {
      const manager = new ConfigManager();
      const input = buildConfig(name, flags);
      const type = (input.auth as { type: string }).type as keyof typeof SECRET_FIELD | "none";
      if (type !== "none") {
        const field = SECRET_FIELD[type];
        let secret: string | undefined;
        if (flags.secretEnv) {
          secret = process.env[flags.secretEnv];
          if (!secret)
            throw new UsageError(
              `--secret-env ${flags.secretEnv}: that environment variable is empty or not set`,
            );
        } else secret = await readSecret(`${name} ${field}: `);
        if (!secret) throw new UsageError(`no ${field} given for ${name}`);
        (input.auth as Record<string, unknown>)[field] = secret;
      }
      await manager.addConnector(name, input, { storeSecret: flags.storeSecret });
      const where =
        type === "none"
          ? ""
          : flags.storeSecret === "file"
            ? ", secret in the file"
            : ", secret in the OS keyring";
      process.stderr.write(`apikit: saved connector ${name} to ${manager.path}${where}\n`);
    });

  config
    .command("list")
    .description("list saved connectors")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
Examples:
  $ apikit config list                            # name, auth, base URL and where each secret is kept
  $ apikit config list --json | jq -r '.[].name'`,
    )
    .action(async (flags: { json?: boolean }) => {
      const saved = await new ConfigManager().listConnectors();
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(saved, null, 2)}\n`);
        return;
      }
      if (saved.length === 0)
        process.stdout.write("no saved connectors (add one with: apikit config add NAME)\n");
      for (const c of saved)
        process.stdout.write(
          `${c.name}\t${c.authType}\t${c.baseUrl}${c.secretStore ? `\tsecret in ${c.secretStore}` : ""}\n`,
        );
    });

  config
    .command("show")
    .description("show a saved connector (never its secret)")
    .argument("<name>")
    .addHelpText(
      "after",
      `
Example:
  $ apikit config show billing                    # its settings as JSON, the secret left out`,
    )
    .action(async (name: string) => {
      const shown = await new ConfigManager().getConnector(name);
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    });

  config
    .command("remove")
    .description("remove a saved connector and its keyring entries")
    .argument("<name>")
    .addHelpText(
      "after",
      `
Example:
  $ apikit config remove billing                  # from the config file, and its secret from the keyring`,
    )
    .action(async (name: string) => {
      const manager = new ConfigManager();
      await manager.removeConnector(name);
      process.stderr.write(`apikit: removed connector ${name} from ${manager.path}\n`);
    });

  program
    .command("connectors")
    .description(
      "list the built-in connectors and your saved ones, with auth, pagination and the options and secrets (with env vars) each needs",
    )
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
Each connector is one line, then its description:
  shopify          built-in  apikey  link    needs: storeDomain (option, unless baseUrl is given), token (SHOPIFY_ACCESS_TOKEN)

Example:
  $ apikit connectors`,
    )
    .action(async (flags: { json?: boolean }) => {
      const builtIn = connectors.list().map((c) => {
        const pagination = safePagination(() => c.config(defaults(c.options)).pagination?.strategy);
        return {
          name: c.name,
          source: "built-in",
          auth: c.authType,
          pagination,
          needs: connectorNeeds(c),
          description: c.description,
        };
      });
      const saved = (await new ConfigManager().listConnectors()).map((c) => ({
        name: c.name,
        source: "saved",
        auth: c.authType,
        pagination: "",
        needs: [] as ConnectorNeed[],
        secretStore: c.secretStore,
        description: c.baseUrl,
      }));
      const all = [...builtIn, ...saved];
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
        return;
      }
      for (const c of all) {
        const needs = "secretStore" in c ? savedNeeds(c.auth, c.secretStore) : describeNeeds(c.needs);
        process.stdout.write(
          `${c.name.padEnd(16)} ${c.source.padEnd(9)} ${c.auth.padEnd(7)} ${(c.pagination || "-").padEnd(7)} needs: ${needs}\n${" ".repeat(17)}${c.description.split("\n")[0]}\n`,
        );
      }
    });
}

/** `storeDomain (option, unless baseUrl is given), token (SHOPIFY_ACCESS_TOKEN)`. */
function describeNeeds(needs: readonly ConnectorNeed[]): string {
  if (needs.length === 0) return "nothing";
  return needs
    .map((need) => {
      const where = need.kind === "option" ? ["option"] : need.env.length > 0 ? [need.env.join(" or ")] : [];
      return `${need.name} (${[...where, ...(need.note ? [need.note] : [])].join(", ")})`;
    })
    .join(", ");
}

/** What a saved connector needs: its secret, saved with it or still to be given. */
function savedNeeds(auth: string, store: "keyring" | "file" | undefined): string {
  if (auth === "none") return "nothing";
  if (store) return `nothing more (its secret is in the ${store === "file" ? "config file" : "OS keyring"})`;
  return "its secret (an option, or the environment)";
}

/** A built-in's required options filled with placeholders, to describe its pagination. */
function defaults(options: Record<string, { required?: boolean }> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(options ?? {})
      .filter(([, o]) => o.required)
      .map(([k]) => [k, "example"]),
  );
}

function safePagination(read: () => string | undefined): string {
  try {
    return read() ?? "";
  } catch {
    return "";
  }
}

function buildConfig(name: string, flags: AddFlags): ApiConfigInput {
  const builtIn = connectors.has(name)
    ? connectors.get(name).config(Object.fromEntries(parsePairs(flags.option, "=", "--option")))
    : undefined;
  const baseUrl = flags.baseUrl ?? builtIn?.baseUrl;
  if (!baseUrl) throw new UsageError(`--base-url is needed: "${name}" is not a built-in connector`);
  const type = flags.auth ?? (builtIn?.auth.type as AddFlags["auth"]) ?? "bearer";
  const auth: Record<string, unknown> = { ...(builtIn?.auth ?? {}), type };
  if (flags.username) auth.username = flags.username;
  if (flags.clientId) auth.clientId = flags.clientId;
  if (flags.tokenUrl) auth.tokenUrl = flags.tokenUrl;
  if (flags.scope.length > 0) auth.scopes = flags.scope;
  if (flags.apiKeyHeader) auth.header = flags.apiKeyHeader;
  if (flags.apiKeyParam) auth.queryParam = flags.apiKeyParam;
  const pagination: Record<string, unknown> = { ...(builtIn?.pagination ?? {}) };
  if (flags.strategy) pagination.strategy = flags.strategy;
  if (flags.dataPath) pagination.dataPath = flags.dataPath;
  if (flags.pageSize) pagination.pageSize = flags.pageSize;
  return {
    ...(builtIn ?? {}),
    baseUrl,
    auth: auth as ApiConfigInput["auth"],
    headers: {
      ...(builtIn?.headers ?? {}),
      ...Object.fromEntries(parsePairs(flags.header, ":", "--header")),
    },
    pagination,
    ...(flags.timeout ? { timeout: flags.timeout } : {}),
    ...(flags.maxRetries !== undefined ? { retry: { maxRetries: flags.maxRetries } } : {}),
  } as ApiConfigInput;
}
