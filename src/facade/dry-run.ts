// What a request would be, without sending it: the dryRun answer of every fetch method.

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

  constructor(info: DryRunInfo) {
    this.method = info.method;
    this.url = info.url;
    this.params = info.params;
    this.headers = info.headers;
    if (info.body !== undefined) this.body = info.body;
    this.authType = info.authType;
    this.paginate = info.paginate;
    this.pagination = info.pagination;
  }

  toJSON(): DryRunInfo & { dryRun: true } {
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
    };
  }

  toString(): string {
    const lines = [`[dry run] ${this.method} ${this.url}`, `  auth: ${this.authType}`];
    for (const [k, v] of Object.entries(this.headers)) lines.push(`  ${k}: ${v}`);
    if (this.body !== undefined) lines.push(`  body: ${JSON.stringify(this.body)}`);
    lines.push(`  paginate: ${this.paginate}${this.paginate ? ` ${JSON.stringify(this.pagination)}` : ""}`);
    return lines.join("\n");
  }
}
