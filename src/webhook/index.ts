// Receiving webhooks: signature validators (Stripe, GitHub, any HMAC) and the receiver.
export type { WebhookEvent } from "./event.js";
export { type GenericHmacOptions, GenericHmacValidator } from "./generic-hmac.js";
export { GitHubWebhookValidator } from "./github.js";
export { WebhookReceiver, type WebhookReceiverOptions } from "./receiver.js";
export { type StripeValidatorOptions, StripeWebhookValidator } from "./stripe.js";
export type {
  HmacAlgorithm,
  SignatureEncoding,
  WebhookHeaders,
  WebhookValidator,
} from "./validator.js";
