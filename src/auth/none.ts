// No credentials.
import type { AuthStrategy } from "../base/index.js";
import { Printable } from "../util/printable.js";

export class NoAuth extends Printable implements AuthStrategy {
  readonly type = "none";
  readonly sensitiveHeaders: readonly string[] = [];
  readonly sensitiveParams: readonly string[] = [];
  authorize(): void {}
  secrets(): string[] {
    return [];
  }

  protected printable() {
    return { type: this.type };
  }
}
