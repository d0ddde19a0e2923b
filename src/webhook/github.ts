// GitHub's scheme: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body.
import { firstHeaderValue } from "../base/index.js";
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

const PREFIX = "sha256=";

export class GitHubWebhookValidator extends Printable implements WebhookValidator {
  readonly provider = "github";
  // The legacy SHA-1 header is listed too, so it is never stored either.
  readonly signatureHeaders = ["x-hub-signature-256", "x-hub-signature"] as const;
  readonly #secret: string;

  constructor(secret: string) {
    super();
    this.#secret = requireSecret(secret, "GitHubWebhookValidator");
  }

  protected printable() {
    return { provider: this.provider };
  }

  validate(body: Uint8Array, headers: WebhookHeaders): void {
    const header = firstHeaderValue(headers, "x-hub-signature-256");
    if (!header) throw new WebhookSignatureError("missing X-Hub-Signature-256 header");
    if (!header.startsWith(PREFIX))
      throw new WebhookSignatureError("X-Hub-Signature-256 is not sha256=<hex>");
    const expected = hmacDigest("sha256", this.#secret, body);
    if (!digestMatches(expected, decodeSignature(header.slice(PREFIX.length), "hex"))) {
      throw new WebhookSignatureError("X-Hub-Signature-256 does not match the payload");
    }
  }
}
