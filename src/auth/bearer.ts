// `Authorization: Bearer <token>`.
import type { AuthRequest, AuthStrategy } from "./strategy.js";

export class BearerAuth implements AuthStrategy {
  readonly type = "bearer";
  readonly sensitiveHeaders: readonly string[] = ["authorization"];
  readonly sensitiveParams: readonly string[] = [];
  readonly #token: string;

  constructor(token: string) {
    this.#token = token;
  }

  authorize(request: AuthRequest): void {
    request.headers.authorization = `Bearer ${this.#token}`;
  }

  secrets(): string[] {
    return [this.#token];
  }
}
