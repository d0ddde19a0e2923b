// Stripe deliveries signed by the stripe package itself, sent over real HTTP: accepted when the
// signature and timestamp hold, 401 and not kept otherwise.
import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookSignatureError } from "../../src/errors.js";
import { StripeWebhookValidator } from "../../src/webhook/index.js";
import { post, useReceivers } from "./support.js";

const SECRET = "whsec_test_0123456789abcdef";
const stripe = new Stripe("sk_test_x");
const listen = useReceivers(afterEach);
const nowSeconds = () => Math.floor(Date.now() / 1000);

function stripeEvent(id = "evt_1", type = "invoice.paid"): string {
  return JSON.stringify({ id, object: "event", type, data: { object: { id: "in_1", amount_paid: 1200 } } });
}

function sign(payload: string, options: { secret?: string; timestamp?: number } = {}): string {
  return stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? SECRET,
    timestamp: options.timestamp ?? nowSeconds(),
  });
}

describe("StripeWebhookValidator over HTTP", () => {
  it("accepts a delivery signed by the stripe package and keeps it with Stripe's id and type", async () => {
    const { receiver, url } = await listen({ validator: new StripeWebhookValidator(SECRET) });
    const payload = stripeEvent("evt_abc", "customer.created");
    const reply = await post(url, payload, { "stripe-signature": sign(payload), "user-agent": "Stripe/1.0" });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ received: true, id: "evt_abc" });
    const [event] = receiver.events;
    expect(event).toMatchObject({
      id: "evt_abc",
      provider: "stripe",
      type: "customer.created",
      payload: JSON.parse(payload),
    });
    expect(new Date(event!.receivedAt).toISOString()).toBe(event!.receivedAt);
    expect(event!.headers).toEqual({ "content-type": "application/json", "user-agent": "Stripe/1.0" });
  });

  it("accepts a header with several v1 signatures when one of them matches", async () => {
    const { receiver, url } = await listen({ validator: new StripeWebhookValidator(SECRET) });
    const payload = stripeEvent();
    const good = sign(payload);
    const other = sign(payload, { secret: "whsec_rotated_old" });
    const v1 = (header: string) => header.split(",").find((p) => p.startsWith("v1="))!;
    const header = `t=${nowSeconds()},${v1(other)},v1=zz-not-hex,${v1(good)}`;
    const reply = await post(url, payload, { "stripe-signature": header });
    expect(reply.status).toBe(200);
    expect(receiver.eventCount).toBe(1);
  });

  it("rejects a captured delivery replayed after the tolerance (stale timestamp)", async () => {
    const { receiver, url } = await listen({ validator: new StripeWebhookValidator(SECRET) });
    const payload = stripeEvent();
    const reply = await post(url, payload, {
      "stripe-signature": sign(payload, { timestamp: nowSeconds() - 301 }),
    });
    expect(reply.status).toBe(401);
    expect(reply.body.reason).toMatch(/outside the 300 s tolerance/);
    expect(receiver.events).toEqual([]);
    expect(receiver.eventCount).toBe(0);
  });

  it("rejects a timestamp too far in the future, and honours a custom tolerance", async () => {
    const { url } = await listen({ validator: new StripeWebhookValidator(SECRET, { toleranceSeconds: 30 }) });
    const payload = stripeEvent();
    const future = await post(url, payload, {
      "stripe-signature": sign(payload, { timestamp: nowSeconds() + 120 }),
    });
    expect(future.status).toBe(401);
    expect(future.body.reason).toMatch(/in the future/);
    const old = await post(url, payload, {
      "stripe-signature": sign(payload, { timestamp: nowSeconds() - 60 }),
    });
    expect(old.status).toBe(401);
    const fresh = await post(url, payload, {
      "stripe-signature": sign(payload, { timestamp: nowSeconds() - 10 }),
    });
    expect(fresh.status).toBe(200);
  });

  it("rejects a tampered body, a wrong secret and a missing header, and keeps none of them", async () => {
    const { receiver, url } = await listen({ validator: new StripeWebhookValidator(SECRET) });
    const payload = stripeEvent();
    const tampered = await post(url, payload.replace("1200", "9900"), { "stripe-signature": sign(payload) });
    const wrongSecret = await post(url, payload, {
      "stripe-signature": sign(payload, { secret: "whsec_other" }),
    });
    const missing = await post(url, payload);
    const noV1 = await post(url, payload, { "stripe-signature": `t=${nowSeconds()}` });
    expect([tampered.status, wrongSecret.status, missing.status, noV1.status]).toEqual([401, 401, 401, 401]);
    expect(tampered.body.reason).toBe("no v1 signature matches the payload");
    expect(missing.body.reason).toBe("missing Stripe-Signature header");
    expect(noV1.body.reason).toBe("Stripe-Signature has no v1 signature");
    expect(receiver.eventCount).toBe(0);
  });

  it("throws WebhookSignatureError with a reason when called directly", () => {
    const validator = new StripeWebhookValidator(SECRET);
    const payload = stripeEvent();
    const header = sign(payload, { timestamp: 1_700_000_000 });
    expect(() =>
      validator.validate(Buffer.from(payload), { "stripe-signature": header }, 1_700_000_100_000),
    ).not.toThrow();
    const error = (() => {
      try {
        validator.validate(Buffer.from(payload), { "stripe-signature": header }, 1_700_000_400_000);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as WebhookSignatureError).code).toBe("WEBHOOK_SIGNATURE");
    expect((error as WebhookSignatureError).reason).toMatch(/400 s old/);
  });
});
