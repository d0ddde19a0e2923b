// What a signature validator is, and the byte-level pieces the built-in ones share: HMAC digests,
// strict decoding of the signature a sender claims, and a constant-time comparison.
import { createHmac, timingSafeEqual } from "node:crypto";
import { ConfigError } from "../errors.js";

/** Request headers as node:http gives them: lowercase names. */
export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>;

export type HmacAlgorithm = "sha1" | "sha256" | "sha512";
export type SignatureEncoding = "hex" | "base64";

export interface WebhookValidator {
  /** The provider whose conventions (event id, event type) the receiver follows by default. */
  readonly provider: string;
  /** Lowercase names of the headers that carry the signature: never stored nor logged. */
  readonly signatureHeaders: readonly string[];
  /** Returns when `body` (the raw bytes) is signed correctly; otherwise throws WebhookSignatureError. */
  validate(body: Uint8Array, headers: WebhookHeaders): void;
}

export function requireSecret(secret: unknown, who: string): string {
  if (typeof secret !== "string" || secret.length === 0) {
    throw new ConfigError(`${who} needs a non-empty secret`, [
      { path: "secret", message: "empty or missing" },
    ]);
  }
  return secret;
}

export function hmacDigest(
  algorithm: HmacAlgorithm,
  secret: string,
  ...parts: Array<string | Uint8Array>
): Buffer {
  const hmac = createHmac(algorithm, secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

/** The bytes of a claimed signature, or undefined when it is not well-formed text in that encoding. */
export function decodeSignature(text: string, encoding: SignatureEncoding): Buffer | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0) return undefined;
  if (encoding === "hex") return HEX.test(trimmed) ? Buffer.from(trimmed, "hex") : undefined;
  return BASE64.test(trimmed) ? Buffer.from(trimmed, "base64") : undefined;
}

/** Constant-time over the bytes; a length mismatch fails first (timingSafeEqual would throw). */
export function digestMatches(expected: Buffer, claimed: Buffer | undefined): boolean {
  return claimed !== undefined && claimed.length === expected.length && timingSafeEqual(expected, claimed);
}
