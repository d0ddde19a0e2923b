// Real HTTP to receivers on 127.0.0.1, and receivers that are stopped after each test.
import { createHmac } from "node:crypto";
import { request } from "undici";
import { WebhookReceiver, type WebhookReceiverOptions } from "../../src/webhook/index.js";

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { received?: boolean; id?: string; error?: string; reason?: string };
}

export async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
  method: "POST" | "GET" | "PUT" = "POST",
): Promise<Reply> {
  const res = await request(url, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(method === "GET" ? {} : { body }),
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

export function hmac(algorithm: string, secret: string, body: string, encoding: "hex" | "base64"): string {
  return createHmac(algorithm, secret).update(body).digest(encoding);
}

/** `const listen = useReceivers(afterEach)`; `const { receiver, url } = await listen({ validator })`. */
export function useReceivers(afterEachHook: (fn: () => Promise<void>) => void) {
  let receivers: WebhookReceiver[] = [];
  afterEachHook(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    receivers = [];
  });
  return async (options: WebhookReceiverOptions) => {
    const receiver = new WebhookReceiver(options);
    receivers.push(receiver);
    const url = await receiver.start();
    return { receiver, url };
  };
}
