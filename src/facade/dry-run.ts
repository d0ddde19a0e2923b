// What a request would be, without sending it: the dryRun answer of every fetch method, described
// as the transport would send it (auth applied) with every secret redacted.
import type { AuthStrategy, Redactor } from "../base/index.js";
import { toJson } from "../flatten/index.js";
import { parseJson } from "../http/index.js";
import { fieldsTable, type MimeBundle, mapTable, pre } from "../util/display.js";
import { JUPYTER_DISPLAY } from "../util/printable.js";

export interface DryRunInfo {
  method: string;
  /** Full URL with query, secrets redacted. */
  url: string;
  params: Record<string, string | string[]>;
  /** Headers as sent, secrets redacted. */
  headers: Record<string, string>;
  body?: unknown;
  authType: string;
  paginate: boolean;
  pagination: Record<string, unknown>;
  /** The file format (fetchToFile, graphqlToFile); null for calls that write no file. */
  outputFormat?: string | null;
  /** The file that would be written, as given; null for calls that write no file. */
  outputPath?: string | null;
}

/** Where a file-writing call would write: shown by its dry run. */
export interface DryRunOutput {
  format: string;
  path: string;
}

export class DryRunResult implements DryRunInfo {
  readonly dryRun = true;
  readonly method: string;
  readonly url: string;
  readonly params: Record<string, string | string[]>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
  readonly authType: string;
  readonly paginate: boolean;
  readonly pagination: Record<string, unknown>;
  readonly outputFormat: string | null;
  readonly outputPath: string | null;

  constructor(info: DryRunInfo) {
    this.method = info.method;
    this.url = info.url;
    this.params = info.params;
    this.headers = info.headers;
    if (info.body !== undefined) this.body = info.body;
    this.authType = info.authType;
    this.paginate = info.paginate;
    this.pagination = info.pagination;
    this.outputFormat = info.outputFormat ?? null;
    this.outputPath = info.outputPath ?? null;
  }

  /**
   * Every key, for programs: `dryRun` (true), `method`, `url` (with the query, secrets redacted),
   * `params`, `headers` (as sent, secrets redacted), `body` (when there is one), `authType`,
   * `paginate`, `pagination` (the settings the pull would use), `outputFormat` and `outputPath` (null
   * unless the call writes a file).
   */
  toJSON(): DryRunInfo & { dryRun: true; outputFormat: string | null; outputPath: string | null } {
    return {
      dryRun: true,
      method: this.method,
      url: this.url,
      params: this.params,
      headers: this.headers,
      ...(this.body !== undefined ? { body: this.body } : {}),
      authType: this.authType,
      paginate: this.paginate,
      pagination: this.pagination,
      outputFormat: this.outputFormat,
      outputPath: this.outputPath,
    };
  }

  toString(): string {
    const lines = [`[dry run] ${this.method} ${this.url}`, `  auth: ${this.authType}`];
    for (const [k, v] of Object.entries(this.headers)) lines.push(`  ${k}: ${v}`);
    if (this.body !== undefined) lines.push(`  body: ${toJson(this.body)}`);
    lines.push(`  paginate: ${this.paginate}${this.paginate ? ` ${toJson(this.pagination)}` : ""}`);
    if (this.outputPath !== null) lines.push(`  output: ${this.outputFormat} → ${this.outputPath}`);
    return lines.join("\n");
  }

  /** In a Deno Jupyter cell: what would be sent, as a table (everything in it redacted already). */
  [JUPYTER_DISPLAY](): MimeBundle {
    const html = fieldsTable(
      [
        ["auth", this.authType],
        ["params", mapTable(this.params)],
        ["headers", mapTable(this.headers)],
        ["body", this.body === undefined ? undefined : pre(toJson(this.body, 2))],
        ["paginate", this.paginate ? "yes" : "no (one request)"],
        ["pagination", this.paginate ? mapTable(this.pagination) : undefined],
        ["output", this.outputPath === null ? undefined : `${this.outputFormat} → ${this.outputPath}`],
      ],
      `dry run: ${this.method} ${this.url}`,
    );
    return { "text/plain": this.toString(), "text/html": html };
  }
}

/** The parts of a client a description needs. */
interface Describer {
  readonly config: { readonly baseUrl: string };
  readonly auth: AuthStrategy;
  readonly redactor: Redactor;
}

export function describeRequest(
  client: Describer,
  request: { method: string; url: URL; headers: Record<string, string>; body: unknown },
  paginate: boolean,
  pagination: Record<string, unknown>,
  output?: DryRunOutput,
): DryRunResult {
  const { method, url, body } = request;
  const { auth, redactor } = client;
  const authorized = { method, url: new URL(url), headers: { ...request.headers } };
  if (url.origin === new URL(client.config.baseUrl).origin) {
    // Strategies that fetch credentials (OAuth2) describe them instead: a dry run sends nothing.
    if (auth.describe) auth.describe(authorized);
    else {
      const pending = auth.authorize(authorized);
      if (pending) pending.catch(() => undefined);
    }
  }
  const params: Record<string, string | string[]> = {};
  const redactedUrl = new URL(redactor.redactUrl(authorized.url));
  for (const key of new Set(authorized.url.searchParams.keys())) {
    const values = redactedUrl.searchParams.getAll(key);
    params[key] = values.length === 1 ? values[0]! : values;
  }
  const redactedBody =
    body === undefined || body === null ? undefined : parseJson(redactor.redactText(toJson(body)));
  return new DryRunResult({
    method,
    url: redactor.redactUrl(authorized.url),
    params,
    headers: redactor.redactHeaders(authorized.headers),
    ...(redactedBody !== undefined ? { body: redactedBody } : {}),
    authType: auth.type,
    paginate,
    pagination,
    ...(output ? { outputFormat: output.format, outputPath: output.path } : {}),
  });
}
