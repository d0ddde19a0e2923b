// One accepted delivery as apikit keeps it: its id and type by the provider's conventions, the
// headers worth keeping (never a signature or a credential) and the parsed payload.
import { randomUUID } from "node:crypto";
import { firstHeaderValue } from "../base/index.js";
import type { WebhookHeaders } from "./validator.js";

export interface WebhookEvent {
  /** Stripe: the payload's `id`; GitHub: X-GitHub-Delivery; otherwise a generated UUID. */
  id: string;
  provider: string;
  /** ISO 8601, when the receiver accepted it. */
  receivedAt: string;
  /** Stripe: the payload's `type`; GitHub: X-GitHub-Event; otherwise the payload's `type`, or null. */
  type: string | null;
  /** Content-Type, User-Agent and the provider's own headers (X-*, Webhook-*, ...), minus secrets. */
  headers: Record<string, string>;
  payload: unknown;
}

const KEPT_NAMES = new Set(["content-type", "user-agent"]);
const KEPT_PREFIXES = ["x-", "webhook-", "svix-", "stripe-"];
const SECRET_PARTS = /signature|secret|token|auth|cookie|api-?key|password|credential/i;

/** The headers stored with an event: useful ones only, and never one that could carry a secret. */
export function keptHeaders(
  headers: WebhookHeaders,
  signatureHeaders: readonly string[],
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of Object.keys(headers).sort()) {
    const value = firstHeaderValue(headers, name);
    if (value === undefined || signatureHeaders.includes(name) || SECRET_PARTS.test(name)) continue;
    if (KEPT_NAMES.has(name) || KEPT_PREFIXES.some((p) => name.startsWith(p))) kept[name] = value;
  }
  return kept;
}

function stringField(payload: unknown, key: string): string | undefined {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return undefined;
  const value = (payload as Record<string, unknown>)[key];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

export function buildEvent(
  provider: string,
  headers: WebhookHeaders,
  payload: unknown,
  signatureHeaders: readonly string[],
): WebhookEvent {
  const github = provider === "github";
  const id =
    (provider === "stripe" ? stringField(payload, "id") : undefined) ??
    (github ? firstHeaderValue(headers, "x-github-delivery") : undefined) ??
    randomUUID();
  const type = (github ? firstHeaderValue(headers, "x-github-event") : stringField(payload, "type")) ?? null;
  return {
    id,
    provider,
    receivedAt: new Date().toISOString(),
    type,
    headers: keptHeaders(headers, signatureHeaders),
    payload,
  };
}
