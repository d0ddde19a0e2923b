// What `inspect` learned from one real request: the response as it came (headers redacted), where
// the records are, how the listing pages, the schema of a sample, the rate-limit headroom, and a
// ready-to-use config for it, as TypeScript and as TOML for the config manager.
import { stringify } from "smol-toml";
import type { PaginationConfig } from "../config/index.js";
import type { Headroom } from "../http/index.js";
import type { DetectedPagination } from "../pagination/index.js";
import { count, fieldsTable, gridTable, Html, type MimeBundle, mapTable, pre } from "../util/display.js";
import { JUPYTER_DISPLAY } from "../util/printable.js";

export interface InspectorInfo {
  /** The requested URL, secrets redacted. */
  url: string;
  status: number;
  latencyMs: number;
  /** Response headers, secrets redacted. */
  headers: Record<string, string>;
  contentType: string | undefined;
  /** Dot path to the records ("" for a top-level array; null when the body is one object). */
  dataPath: string | null;
  recordCount: number;
  detectedPagination: DetectedPagination;
  rateLimit: Headroom | undefined;
  /** Flattened column → type over the records of this page. */
  schema: Record<string, string>;
  /** The base URL to configure (the URL up to its last path segment) and the path to fetch. */
  baseUrl: string;
  path: string;
  params: Record<string, string>;
  /** The auth type the inspecting client used (its secret is never part of the result). */
  authType: string;
  /** A name for the suggested connector, from the host. */
  name: string;
}

export class InspectorResult implements InspectorInfo {
  readonly url: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly headers: Record<string, string>;
  readonly contentType: string | undefined;
  readonly dataPath: string | null;
  readonly recordCount: number;
  readonly detectedPagination: DetectedPagination;
  readonly rateLimit: Headroom | undefined;
  readonly schema: Record<string, string>;
  readonly baseUrl: string;
  readonly path: string;
  readonly params: Record<string, string>;
  readonly authType: string;
  readonly name: string;

  constructor(info: InspectorInfo) {
    this.url = info.url;
    this.status = info.status;
    this.latencyMs = info.latencyMs;
    this.headers = info.headers;
    this.contentType = info.contentType;
    this.dataPath = info.dataPath;
    this.recordCount = info.recordCount;
    this.detectedPagination = info.detectedPagination;
    this.rateLimit = info.rateLimit;
    this.schema = info.schema;
    this.baseUrl = info.baseUrl;
    this.path = info.path;
    this.params = info.params;
    this.authType = info.authType;
    this.name = info.name;
  }

  /** Flattened column → type, from the records of the inspected page. */
  schemaSample(): Record<string, string> {
    return { ...this.schema };
  }

  /** The pagination settings a config needs for this listing. */
  suggestedPagination(): Partial<PaginationConfig> {
    const detected = this.detectedPagination;
    const pagination: Record<string, unknown> = { strategy: detected.strategy, ...detected.settings };
    if (this.dataPath) pagination.dataPath = this.dataPath;
    return pagination as Partial<PaginationConfig>;
  }

  /** TypeScript that builds a client for this API and fetches this listing. */
  suggestedConfig(): string {
    const auth = AUTH_SNIPPETS[this.authType] ?? "";
    const params = Object.keys(this.params).length > 0 ? `, { params: ${JSON.stringify(this.params)} }` : "";
    return [
      'import { Apikit } from "apikit-ts";',
      "",
      "const client = new Apikit({",
      `  baseUrl: ${JSON.stringify(this.baseUrl)},`,
      ...(auth ? [`  ${auth}`] : []),
      `  pagination: ${JSON.stringify(this.suggestedPagination())},`,
      "});",
      "",
      `const records = await client.fetchRecords(${JSON.stringify(this.path)}${params});`,
      "",
    ].join("\n");
  }

  /** The same as a connector for the config file (`~/.config/apikit/config.toml`), secrets left out. */
  suggestedToml(): string {
    const connector: Record<string, unknown> = {
      baseUrl: this.baseUrl,
      auth: { type: this.authType },
      pagination: this.suggestedPagination(),
    };
    return stringify({ connectors: { [this.name]: connector } });
  }

  toJSON(): InspectorInfo & { suggestedConfig: string; suggestedToml: string } {
    return {
      url: this.url,
      status: this.status,
      latencyMs: this.latencyMs,
      headers: this.headers,
      contentType: this.contentType,
      dataPath: this.dataPath,
      recordCount: this.recordCount,
      detectedPagination: this.detectedPagination,
      rateLimit: this.rateLimit,
      schema: this.schema,
      baseUrl: this.baseUrl,
      path: this.path,
      params: this.params,
      authType: this.authType,
      name: this.name,
      suggestedConfig: this.suggestedConfig(),
      suggestedToml: this.suggestedToml(),
    };
  }

  /** "12 of 60 left, resets <ISO time>", or "not reported". */
  #headroomText(): string {
    return this.rateLimit
      ? `${this.rateLimit.remaining ?? "?"} of ${this.rateLimit.limit ?? "?"} left${
          this.rateLimit.resetAtMs ? `, resets ${new Date(this.rateLimit.resetAtMs).toISOString()}` : ""
        }`
      : "not reported";
  }

  /** "25 at "data"", "25 (top-level array)" or "1 (the body is one object)". */
  #recordsText(): string {
    const where =
      this.dataPath === null
        ? " (the body is one object)"
        : this.dataPath === ""
          ? " (top-level array)"
          : ` at "${this.dataPath}"`;
    return `${count(this.recordCount)}${where}`;
  }

  /** A human-readable report, as `apikit inspect` prints it. */
  toString(): string {
    const columns = Object.entries(this.schema);
    const lines = [
      `${this.url}`,
      `  status         ${this.status} in ${Math.round(this.latencyMs)} ms`,
      `  content type   ${this.contentType ?? "(none)"}`,
      `  records        ${this.#recordsText()}`,
      `  pagination     ${this.detectedPagination.strategy} (${this.detectedPagination.reason})`,
      `  rate limit     ${this.#headroomText()}`,
      `  schema         ${columns.length} columns`,
      ...columns.slice(0, SCHEMA_ROWS).map(([k, t]) => `    ${k}: ${t}`),
      ...(columns.length > SCHEMA_ROWS ? [`    … ${columns.length - SCHEMA_ROWS} more`] : []),
      "",
      "Suggested config (TypeScript):",
      ...this.suggestedConfig()
        .trimEnd()
        .split("\n")
        .map((l) => `  ${l}`),
      "",
      "Suggested config (TOML, for apikit config / ~/.config/apikit/config.toml):",
      ...this.suggestedToml()
        .trimEnd()
        .split("\n")
        .map((l) => `  ${l}`),
    ];
    return lines.join("\n");
  }

  /**
   * In a Deno Jupyter cell: a table of the response (status, records, pagination, rate limit), the
   * schema, and the suggested config as TypeScript and TOML; the report of toString() as text.
   */
  [JUPYTER_DISPLAY](): MimeBundle {
    const columns = Object.entries(this.schema);
    const schema = gridTable(
      ["column", "type"],
      [
        ...columns.slice(0, SCHEMA_ROWS),
        ...(columns.length > SCHEMA_ROWS ? [[`… ${columns.length - SCHEMA_ROWS} more`, ""] as const] : []),
      ],
    );
    const html = fieldsTable(
      [
        ["status", `${this.status} in ${Math.round(this.latencyMs)} ms`],
        ["content type", this.contentType ?? "(none)"],
        ["records", this.#recordsText()],
        ["pagination", `${this.detectedPagination.strategy} (${this.detectedPagination.reason})`],
        ["rate limit", this.#headroomText()],
        ["params", mapTable(this.params)],
        [`schema (${columns.length} columns)`, new Html(schema)],
        ["suggested config", pre(this.suggestedConfig().trimEnd())],
        ["as TOML", pre(this.suggestedToml().trimEnd())],
      ],
      `inspect ${this.url}`,
    );
    return { "text/plain": this.toString(), "text/html": html };
  }
}

/** Schema rows shown in the report and the notebook table; the rest are counted. */
const SCHEMA_ROWS = 40;

const AUTH_SNIPPETS: Record<string, string> = {
  bearer: "token: process.env.API_TOKEN,",
  apikey: 'auth: "apikey", apiKey: process.env.API_KEY,',
  basic: 'auth: "basic", username: process.env.API_USER, password: process.env.API_PASSWORD,',
  oauth2:
    'auth: "oauth2", clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET, tokenUrl: "https://…/token",',
};
