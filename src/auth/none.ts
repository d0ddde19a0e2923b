// No credentials.
import { Printable } from "../util/printable.js";
import type { AuthStrategy } from "./strategy.js";

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
