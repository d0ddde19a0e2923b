// A loopback API shaped like a multi-tenant store API and an event log, for the cluster tests:
// /stores/:store/orders (offset pages of 10, a store's orders fixed by its name) and /events (cursor
// pages of events in [since, until)). Records are realistic: 15-17 digit floats, long digit strings,
// unicode, escapes, nulls, nested objects. Optional latency, and a request budget that answers 429.
import { startServer, type TestServer } from "../support/server.js";

export interface Order {
  id: string;
  store: string;
  amount: number;
  ref: string;
  note: string | null;
  customer: { name: string; city: string | null };
}

export interface Event {
  id: string;
  at: string;
  value: number;
  label: string;
}

const NOTES = [
  "café ☕ «ok»",
  'quote "q" and \\ backslash',
  "line\nbreak",
  "日本語テキスト",
  null,
  "emoji 🚀",
];

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export function ordersOf(store: string): Order[] {
  const count = hash(store) % 47; // 0..46: some stores have none, most several pages
  return Array.from({ length: count }, (_, i) => {
    const h = hash(`${store}/${i}`);
    return {
      id: `${store}-${i}`,
      store,
      amount: (h / 7) * 1.0000000000000002 + 0.12345678901234566,
      ref: `${h}${h}${i}`.padEnd(22, "9"),
      note: NOTES[h % NOTES.length] ?? null,
      customer: { name: `Zoë ${h % 1000}`, city: h % 3 === 0 ? null : `City ${h % 17}` },
    };
  });
}

export const EVENTS_START = Date.parse("2024-01-01T00:00:00Z");
const EVENT_EVERY_MS = 37 * 60_000;

/** The events with at in [since, until). */
export function eventsBetween(since: number, until: number): Event[] {
  const out: Event[] = [];
  const first = Math.max(0, Math.ceil((since - EVENTS_START) / EVENT_EVERY_MS));
  for (let i = first; EVENTS_START + i * EVENT_EVERY_MS < until; i++) {
    const at = EVENTS_START + i * EVENT_EVERY_MS;
    out.push({
      id: `e${i}`,
      at: new Date(at).toISOString(),
      value: i * 0.1 + 1e-9 * i,
      label: `évènement ${i}`,
    });
  }
  return out;
}

export interface ApiOptions {
  /** Added to every response. */
  latencyMs?: number;
  /** A budget the API enforces: a bucket of `perSecond` tokens refilled at `perSecond`/s; empty → 429. */
  perSecond?: number;
  /** Answer the n-th request (1-based) with 429 and this Retry-After (s). */
  throttleAt?: { request: number; retryAfterS: number };
  /** Answer the n-th request normally, with headers saying the window is spent for `resetS` seconds. */
  spentAt?: { request: number; resetS: number };
}

export interface TestApi extends TestServer {
  /** When each request arrived (ms, performance.now()), and which were answered 429. */
  arrivals: number[];
  throttled: number[];
  /** When the response saying the window is spent was answered. */
  spent: number[];
}

export async function startApi(options: ApiOptions = {}): Promise<TestApi> {
  const arrivals: number[] = [];
  const throttled: number[] = [];
  const spent: number[] = [];
  const bucket = { tokens: options.perSecond ?? 0, at: performance.now() };
  const server = await startServer(async (req, res) => {
    const now = performance.now();
    arrivals.push(now);
    const n = arrivals.length;
    if (options.perSecond) {
      bucket.tokens = Math.min(
        options.perSecond,
        bucket.tokens + ((now - bucket.at) * options.perSecond) / 1000,
      );
      bucket.at = now;
      if (bucket.tokens < 1) {
        throttled.push(now);
        res.writeHead(429, { "retry-after": "1", "content-type": "application/json" });
        res.end('{"error":"rate limited"}');
        return;
      }
      bucket.tokens -= 1;
    }
    if (options.throttleAt?.request === n) {
      throttled.push(now);
      res.writeHead(429, {
        "retry-after": String(options.throttleAt.retryAfterS),
        "content-type": "application/json",
      });
      res.end('{"error":"slow down"}');
      return;
    }
    if (options.spentAt?.request === n) {
      spent.push(now);
      res.setHeader("x-ratelimit-limit", "100");
      res.setHeader("x-ratelimit-remaining", "0");
      res.setHeader("x-ratelimit-reset", String(options.spentAt.resetS));
    }
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const url = new URL(req.url, "http://x");
    // The README's example API lives under /api.
    url.pathname = url.pathname.replace(/^\/api(?=\/)/, "");
    const store = /^\/stores\/([^/]+)\/orders$/.exec(url.pathname)?.[1];
    res.setHeader("content-type", "application/json");
    if (store) {
      const all = ordersOf(decodeURIComponent(store));
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const limit = Number(url.searchParams.get("limit") ?? 10);
      res.end(JSON.stringify({ data: all.slice(offset, offset + limit), total: all.length }));
      return;
    }
    if (url.pathname === "/events") {
      const since = Date.parse(url.searchParams.get("since") ?? "");
      const until = Date.parse(url.searchParams.get("until") ?? "");
      if (Number.isNaN(since) || Number.isNaN(until)) {
        res.statusCode = 400;
        res.end('{"error":"since and until are required"}');
        return;
      }
      const all = eventsBetween(since, until);
      const from = Number(url.searchParams.get("cursor") ?? 0);
      const page = all.slice(from, from + 5);
      const next = from + 5 < all.length ? String(from + 5) : null;
      res.end(JSON.stringify({ data: page, next_cursor: next }));
      return;
    }
    res.statusCode = 404;
    res.end('{"error":"not found"}');
  });
  return Object.assign(server, { arrivals, throttled, spent });
}
