// HTTP Basic: `Authorization: Basic base64(username:password)`.
import type { AuthRequest, AuthStrategy } from "../base/index.js";
import { Printable } from "../util/printable.js";

export class BasicAuth extends Printable implements AuthStrategy {
  readonly type = "basic";
  readonly sensitiveHeaders: readonly string[] = ["authorization"];
  readonly sensitiveParams: readonly string[] = [];
  readonly #username: string;
  readonly #header: string;
  readonly #password: string;
  readonly #encoded: string;

  constructor(username: string, password: string) {
    super();
    this.#username = username;
    this.#encoded = Buffer.from(`${username}:${password}`, "utf8").toString("base64");
    this.#header = `Basic ${this.#encoded}`;
    this.#password = password;
  }

  authorize(request: AuthRequest): void {
    request.headers.authorization = this.#header;
  }

  secrets(): string[] {
    return [this.#password, this.#encoded];
  }

  protected printable() {
    return { type: this.type, username: this.#username };
  }
}
