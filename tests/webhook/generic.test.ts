// GenericHmacValidator: any header, prefix, algorithm and encoding; signatures made with node:crypto.
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { GenericHmacValidator } from "../../src/webhook/index.js";
import { hmac, post, useReceivers } from "./support.js";

const SECRET = "generic-secret";
const listen = useReceivers(afterEach);
const BODY = JSON.stringify({ id: "n-1", type: "order.created", total: 12.5 });

describe("GenericHmacValidator over HTTP", () => {
  it("verifies sha1 hex after a prefix, in a header named in any case", async () => {
    const validator = new GenericHmacValidator({
      secret: SECRET,
      headerName: "X-Signature",
      prefix: "sha1=",
      algorithm: "sha1",
    });
    const { receiver, url } = await listen({ validator });
    const good = await post(url, BODY, { "x-signature": `sha1=${hmac("sha1", SECRET, BODY, "hex")}` });
    expect(good.status).toBe(200);
    const noPrefix = await post(url, BODY, { "x-signature": hmac("sha1", SECRET, BODY, "hex") });
    expect(noPrefix.status).toBe(401);
    expect(noPrefix.body.reason).toBe('x-signature does not start with "sha1="');
    const sha256 = await post(url, BODY, { "x-signature": `sha1=${hmac("sha256", SECRET, BODY, "hex")}` });
    expect(sha256.status).toBe(401);
    expect(receiver.eventCount).toBe(1);
  });

  it("verifies sha512 in base64, and rejects the same digest in hex", async () => {
    const validator = new GenericHmacValidator({
      secret: SECRET,
      headerName: "x-shop-hmac",
      algorithm: "sha512",
      encoding: "base64",
    });
    const { receiver, url } = await listen({ validator });
    const good = await post(url, BODY, { "x-shop-hmac": hmac("sha512", SECRET, BODY, "base64") });
    expect(good.status).toBe(200);
    const hex = await post(url, BODY, { "x-shop-hmac": hmac("sha512", SECRET, BODY, "hex") });
    expect(hex.status).toBe(401);
    const short = await post(url, BODY, { "x-shop-hmac": hmac("sha256", SECRET, BODY, "base64") });
    expect(short.status).toBe(401);
    expect(receiver.eventCount).toBe(1);
  });

  it("defaults to sha256 hex, generates an id and takes the type from the payload", async () => {
    const { receiver, url } = await listen({
      validator: new GenericHmacValidator({ secret: SECRET, headerName: "x-sig" }),
    });
    const reply = await post(url, BODY, {
      "x-sig": hmac("sha256", SECRET, BODY, "hex"),
      "x-topic": "orders",
    });
    expect(reply.status).toBe(200);
    expect(reply.body.id).not.toBe("n-1");
    expect(receiver.events[0]).toMatchObject({
      id: reply.body.id,
      provider: "generic",
      type: "order.created",
      headers: { "content-type": "application/json", "x-topic": "orders" },
    });
    const wrongSecret = await post(url, BODY, { "x-sig": hmac("sha256", "other", BODY, "hex") });
    expect(wrongSecret.status).toBe(401);
    const missing = await post(url, BODY);
    expect(missing.body.reason).toBe("missing x-sig header");
  });

  it("refuses an empty secret or an unknown algorithm with a ConfigError", () => {
    expect(() => new GenericHmacValidator({ secret: "", headerName: "x-sig" })).toThrow(ConfigError);
    expect(
      () => new GenericHmacValidator({ secret: SECRET, headerName: "x-sig", algorithm: "md5" as "sha1" }),
    ).toThrow(/algorithm/);
    expect(() => new GenericHmacValidator({ secret: SECRET, headerName: "bad header" })).toThrow(
      /headerName/,
    );
  });
});
