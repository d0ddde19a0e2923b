// No credentials.
import type { AuthStrategy } from "./strategy.js";

export class NoAuth implements AuthStrategy {
  readonly type = "none";
  readonly sensitiveHeaders: readonly string[] = [];
  readonly sensitiveParams: readonly string[] = [];
  authorize(): void {}
  secrets(): string[] {
    return [];
  }
}
