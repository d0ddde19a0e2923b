// An API key in a header (default X-API-Key) or in a query parameter.
import type { AuthRequest, AuthStrategy } from "../base/index.js";
import { Printable } from "../util/printable.js";

export class ApiKeyAuth extends Printable implements AuthStrategy {
  readonly type = "apikey";
  readonly sensitiveHeaders: readonly string[];
  readonly sensitiveParams: readonly string[];
  readonly #key: string;
  readonly #header: string | undefined;
  readonly #param: string | undefined;

  constructor(key: string, where: { header?: string | undefined; queryParam?: string | undefined } = {}) {
    super();
    this.#key = key;
    this.#param = where.queryParam;
    this.#header = where.header?.toLowerCase() ?? (where.queryParam ? undefined : "x-api-key");
    this.sensitiveHeaders = this.#header ? [this.#header] : [];
    this.sensitiveParams = this.#param ? [this.#param] : [];
  }

  authorize(request: AuthRequest): void {
    if (this.#header) request.headers[this.#header] = this.#key;
    if (this.#param) request.url.searchParams.set(this.#param, this.#key);
  }

  secrets(): string[] {
    return [this.#key];
  }

  protected printable() {
    return {
      type: this.type,
      ...(this.#header ? { header: this.#header } : {}),
      ...(this.#param ? { queryParam: this.#param } : {}),
    };
  }
}
