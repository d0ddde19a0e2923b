// HTTP Basic: `Authorization: Basic base64(username:password)`.
import type { AuthRequest, AuthStrategy } from "./strategy.js";

export class BasicAuth implements AuthStrategy {
  readonly type = "basic";
  readonly sensitiveHeaders: readonly string[] = ["authorization"];
  readonly sensitiveParams: readonly string[] = [];
  readonly #header: string;
  readonly #password: string;
  readonly #encoded: string;

  constructor(username: string, password: string) {
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
}
