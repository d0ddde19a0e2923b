// Any provider that signs the raw body with an HMAC in one header: the header, an optional prefix
// (e.g. "sha256="), the algorithm and the encoding of the digest are configurable.
import { z } from "zod";
import { firstHeaderValue } from "../base/index.js";
import { parseOptions } from "../config/index.js";
import { WebhookSignatureError } from "../errors.js";
import { Printable } from "../util/printable.js";
import {
  decodeSignature,
  digestMatches,
  type HmacAlgorithm,
  hmacDigest,
  requireSecret,
  type SignatureEncoding,
  type WebhookHeaders,
  type WebhookValidator,
} from "./validator.js";

const GenericHmacConfig = z.strictObject({
  headerName: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be an HTTP header name"),
  prefix: z.string().default(""),
  algorithm: z.enum(["sha1", "sha256", "sha512"]).default("sha256"),
  encoding: z.enum(["hex", "base64"]).default("hex"),
});

export interface GenericHmacOptions {
  secret: string;
  /** The header that carries the signature (any case). */
  headerName: string;
  /** Text before the digest in the header, e.g. "sha256=". Default "". */
  prefix?: string;
  /** Default "sha256". */
  algorithm?: HmacAlgorithm;
  /** How the digest is written in the header. Default "hex". */
  encoding?: SignatureEncoding;
}

export class GenericHmacValidator extends Printable implements WebhookValidator {
  readonly provider = "generic";
  readonly signatureHeaders: readonly string[];
  readonly headerName: string;
  readonly prefix: string;
  readonly algorithm: HmacAlgorithm;
  readonly encoding: SignatureEncoding;
  readonly #secret: string;

  constructor(options: GenericHmacOptions) {
    super();
    this.#secret = requireSecret(options.secret, "GenericHmacValidator");
    const { secret: _secret, ...rest } = options;
    const config = parseOptions(GenericHmacConfig, rest, "GenericHmacValidator");
    this.headerName = config.headerName.toLowerCase();
    this.prefix = config.prefix;
    this.algorithm = config.algorithm;
    this.encoding = config.encoding;
    this.signatureHeaders = [this.headerName];
  }

  protected printable() {
    const { provider, headerName, prefix, algorithm, encoding } = this;
    return { provider, headerName, prefix, algorithm, encoding };
  }

  validate(body: Uint8Array, headers: WebhookHeaders): void {
    const header = firstHeaderValue(headers, this.headerName);
    if (!header) throw new WebhookSignatureError(`missing ${this.headerName} header`);
    if (!header.startsWith(this.prefix)) {
      throw new WebhookSignatureError(`${this.headerName} does not start with "${this.prefix}"`);
    }
    const expected = hmacDigest(this.algorithm, this.#secret, body);
    if (!digestMatches(expected, decodeSignature(header.slice(this.prefix.length), this.encoding))) {
      throw new WebhookSignatureError(`${this.headerName} does not match the payload`);
    }
  }
}
