// The pull spec: what one cluster pull reads (source), how it is split (partitions), where the dataset
// goes (output) and the shared request budget (rateLimit). Checked with zod at submit, stored in Redis
// without a single secret (a secret is written `{ "env": "NAME" }` and read on each worker), and
// hashed, so the same spec always gets the same pull id.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { extname, isAbsolute, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { isSecretHeader } from "../base/index.js";
import { configError, RateLimitConfig } from "../config/index.js";
import { ConfigError } from "../errors.js";
import { toJson } from "../flatten/index.js";
import { parseJson } from "../http/index.js";

/** A value read on each worker from its environment, so that the spec (and Redis) never holds it. */
export const EnvRef = z.strictObject({
  env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an env var name"),
});
export type EnvRef = z.infer<typeof EnvRef>;

const ListPartitions = z.strictObject({
  by: z.literal("list"),
  /** One partition per value: it goes into `{value}` in the path, or into the query parameter `param`. */
  values: z
    .array(
      z
        .union([z.string(), z.number()])
        .transform(String)
        .pipe(
          z
            .string()
            .regex(
              /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}$/,
              "a partition value must be 1-200 letters, digits or . _ @ + - (it names a directory)",
            ),
        ),
    )
    .min(1)
    .max(100_000),
  param: z.string().min(1).optional(),
});

const Every = z.string().regex(/^[1-9][0-9]*(m|h|d|w)$/, 'a duration such as "1d", "6h", "30m" or "1w"');

const WindowPartitions = z.strictObject({
  by: z.literal("window"),
  /** Start of the first window (inclusive), ISO 8601. */
  start: z.iso.datetime({ offset: true }).or(z.iso.date()),
  /** End of the last window (exclusive), ISO 8601. */
  end: z.iso.datetime({ offset: true }).or(z.iso.date()),
  every: Every,
  sinceParam: z.string().min(1).default("since"),
  untilParam: z.string().min(1).default("until"),
  /** How a bound is written: ISO 8601 (default), a date (YYYY-MM-DD), or Unix seconds / milliseconds. */
  format: z.enum(["iso", "date", "unix", "unix-ms"]).default("iso"),
});

export const OUTPUT_FORMATS = ["parquet", "ndjson", "jsonl", "csv", "arrow", "json"] as const;

export const PullSpecSchema = z.strictObject({
  /** Names the pull (its id is the name and a hash of the spec). */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "1-64 letters, digits, . _ - (it is part of the pull id)"),
  /**
   * The client and per-call options, as the API takes them (baseUrl, auth, pagination, params, dataPath,
   * ...), with the `path` to pull; or `connector` (a built-in or saved one) with its `options`.
   */
  source: z
    .looseObject({
      path: z.string().min(1),
      connector: z.string().min(1).optional(),
      options: z.record(z.string(), z.union([z.string(), EnvRef])).optional(),
    })
    .refine((s) => s.connector !== undefined || s.baseUrl !== undefined, {
      error: "a source needs baseUrl (or connector)",
      path: ["baseUrl"],
    }),
  partitions: z.discriminatedUnion("by", [ListPartitions, WindowPartitions]),
  output: z.strictObject({
    /** The dataset's directory: every worker must reach it (a shared disk or mount). */
    dir: z.string().min(1),
    format: z.enum(OUTPUT_FORMATS).default("parquet"),
  }),
  /** One budget for all workers, per API credential. */
  rateLimit: RateLimitConfig.optional(),
  /** Runs of a partition before it counts as failed (a crash that BullMQ recovers is not one). Default 3. */
  attempts: z.int().min(1).max(20).default(3),
});
export type PullSpec = z.output<typeof PullSpecSchema>;
export type PullSpecInput = z.input<typeof PullSpecSchema>;

/** Option names that hold a secret wherever they appear in a source. */
const SECRET_KEYS = new Set(["token", "apiKey", "password", "clientSecret", "secret", "accessToken"]);

/** Checks a spec (an object, or the text of a JSON/TOML file) and resolves `output.dir` against `cwd`. */
export function parseSpec(input: unknown, where = "pull spec", cwd = process.cwd()): PullSpec {
  const result = PullSpecSchema.safeParse(input);
  if (!result.success) throw configError(PullSpecSchema, result.error, where);
  const spec = result.data;
  const secrets = literalSecrets(spec.source, "source");
  if (secrets.length > 0) {
    throw new ConfigError(
      `${where}: ${secrets.join(", ")} ${secrets.length === 1 ? "holds" : "hold"} a secret written out; the spec is stored in Redis, where every worker and anyone with access to Redis reads it. Write { "env": "NAME" } instead and set NAME on each worker (or use a connector, whose secrets each worker finds in its own environment, .env, ~/.netrc or keyring).`,
      secrets.map((path) => ({ path, message: 'a secret must be { "env": "NAME" }' })),
    );
  }
  const { partitions, source } = spec;
  if (partitions.by === "list" && partitions.param === undefined && !source.path.includes("{value}")) {
    throw new ConfigError(
      `${where}: list partitions need "{value}" in source.path (e.g. "/stores/{value}/orders") or partitions.param (a query parameter)`,
      [{ path: "partitions.param", message: 'needed when source.path has no "{value}"' }],
    );
  }
  if (partitions.by === "list" && new Set(partitions.values).size !== partitions.values.length) {
    const seen = new Set<string>();
    const twice = partitions.values.find((v) => seen.size === seen.add(v).size);
    throw new ConfigError(`${where}: partitions.values lists "${twice}" twice`, [
      { path: "partitions.values", message: `"${twice}" twice` },
    ]);
  }
  const dir = isAbsolute(spec.output.dir) ? spec.output.dir : resolve(cwd, spec.output.dir);
  return { ...spec, output: { ...spec.output, dir } };
}

/** A spec file: JSON, or TOML by its extension (.toml). */
export async function loadSpec(path: string): Promise<PullSpec> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`Cannot read the pull spec ${path}: ${(error as Error).message}`);
  }
  let input: unknown;
  try {
    input = extname(path).toLowerCase() === ".toml" ? parseToml(text) : parseJson(text);
  } catch (error) {
    throw new ConfigError(
      `The pull spec ${path} is not valid ${extname(path) === ".toml" ? "TOML" : "JSON"}: ${(error as Error).message}`,
    );
  }
  return parseSpec(input, `pull spec ${path}`, resolve(path, ".."));
}

/** The same spec, whatever the order of its keys, hashes the same. */
export function specHash(spec: PullSpec): string {
  return createHash("sha256")
    .update(toJson(sorted(spec)))
    .digest("hex");
}

/** `<name>-<12 hex of the spec hash>`: submitting the same spec again names the same pull. */
export function pullId(spec: PullSpec): string {
  return `${spec.name}-${specHash(spec).slice(0, 12)}`;
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
  );
}

/** Paths of secret-named options (and secret headers) given as plain strings. */
function literalSecrets(value: unknown, path: string): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  const found: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}.${key}`;
    const secretName = SECRET_KEYS.has(key) || (path.endsWith(".headers") && isSecretHeader(key));
    if (secretName && typeof child === "string" && child !== "") found.push(at);
    else found.push(...literalSecrets(child, at));
  }
  return found;
}

/** The source with every `{ "env": "NAME" }` replaced by NAME's value on this worker. */
export function resolveEnvRefs<T>(value: T, env: NodeJS.ProcessEnv, path = "source"): T {
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvRefs(v, env, `${path}[${i}]`)) as T;
  if (value === null || typeof value !== "object") return value;
  const ref = EnvRef.safeParse(value);
  if (ref.success) {
    const found = env[ref.data.env];
    if (found === undefined || found === "") {
      throw new ConfigError(
        `${path} is read from the environment variable ${ref.data.env}, which is not set on this worker`,
        [{ path, message: `${ref.data.env} is not set` }],
      );
    }
    return found as T;
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, resolveEnvRefs(child, env, `${path}.${key}`)]),
  ) as T;
}
