// `Authorization: Bearer <token>`.
import type { AuthRequest, AuthStrategy } from "../base/index.js";
import { Printable } from "../util/printable.js";

export class BearerAuth extends Printable implements AuthStrategy {
  readonly type = "bearer";
  readonly sensitiveHeaders: readonly string[] = ["authorization"];
  readonly sensitiveParams: readonly string[] = [];
  readonly #token: string;

  constructor(token: string) {
    super();
    this.#token = token;
  }

  authorize(request: AuthRequest): void {
    request.headers.authorization = `Bearer ${this.#token}`;
  }

  secrets(): string[] {
    return [this.#token];
  }

  protected printable() {
    return { type: this.type };
  }
}
