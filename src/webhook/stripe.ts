// Stripe's scheme: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, HMAC-SHA256 of
// `${t}.` + raw body; a timestamp outside the tolerance is stale or replayed and is rejected.
import { z } from "zod";
import { firstHeaderValue } from "../base/index.js";
import { parseOptions } from "../config/index.js";
import { WebhookSignatureError } from "../errors.js";
import { Printable } from "../util/printable.js";
import {
  decodeSignature,
  digestMatches,
  hmacDigest,
  requireSecret,
  type WebhookHeaders,
  type WebhookValidator,
} from "./validator.js";

const StripeValidatorConfig = z.strictObject({
  /** How far the signed timestamp may be from now, either way. Default 300 (Stripe's own default). */
  toleranceSeconds: z.number().positive().default(300),
});

export type StripeValidatorOptions = z.input<typeof StripeValidatorConfig>;

export class StripeWebhookValidator extends Printable implements WebhookValidator {
  readonly provider = "stripe";
  readonly signatureHeaders = ["stripe-signature"] as const;
  readonly toleranceSeconds: number;
  readonly #secret: string;

  constructor(secret: string, options: StripeValidatorOptions = {}) {
    super();
    this.#secret = requireSecret(secret, "StripeWebhookValidator");
    this.toleranceSeconds = parseOptions(
      StripeValidatorConfig,
      options,
      "StripeWebhookValidator",
    ).toleranceSeconds;
  }

  protected printable() {
    return { provider: this.provider, toleranceSeconds: this.toleranceSeconds };
  }

  validate(body: Uint8Array, headers: WebhookHeaders, nowMs: number = Date.now()): void {
    const header = firstHeaderValue(headers, "stripe-signature");
    if (!header) throw new WebhookSignatureError("missing Stripe-Signature header");
    let timestamp: string | undefined;
    const candidates: string[] = [];
    for (const part of header.split(",")) {
      const at = part.indexOf("=");
      if (at <= 0) continue;
      const key = part.slice(0, at).trim();
      if (key === "t") timestamp = part.slice(at + 1).trim();
      else if (key === "v1") candidates.push(part.slice(at + 1));
    }
    if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
      throw new WebhookSignatureError("Stripe-Signature has no valid timestamp (t=)");
    }
    if (candidates.length === 0) throw new WebhookSignatureError("Stripe-Signature has no v1 signature");
    const expected = hmacDigest("sha256", this.#secret, `${timestamp}.`, body);
    if (!candidates.some((c) => digestMatches(expected, decodeSignature(c, "hex")))) {
      throw new WebhookSignatureError("no v1 signature matches the payload");
    }
    const ageSeconds = nowMs / 1000 - Number(timestamp);
    if (Math.abs(ageSeconds) > this.toleranceSeconds) {
      const when =
        ageSeconds > 0 ? `${Math.round(ageSeconds)} s old` : `${Math.round(-ageSeconds)} s in the future`;
      throw new WebhookSignatureError(
        `timestamp is ${when}, outside the ${this.toleranceSeconds} s tolerance (stale or replayed)`,
      );
    }
  }
}
