// startDemoServer: the embedded sample API on a random 127.0.0.1 port (never any other interface),
// with deterministic records, optional latency and a deterministic schedule of 429s and 503s. Used
// by `apikit demo`, the tests and the benchmarks.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { ConfigError } from "../errors.js";
import { DEMO_CATALOG } from "./catalog.js";
import { type FaultSchedule, faultFor, resolveFaults } from "./faults.js";
import { serveGraphQL } from "./graphql.js";
import { DEFAULT_SEED, DEFAULT_SIZE, DEMO_RESOURCES, type DemoResource } from "./records.js";
import { isRestResource, type Reply, type ServeContext, serveRest } from "./rest.js";

export interface DemoServerOptions {
  /** Records per resource. Default 250. */
  size?: number;
  /** Page sizes above this are cut down to it. Default 100. */
  pageSizeMax?: number;
  /** Page size when a request names none. Default 25. */
  defaultPageSize?: number;
  /** Added before every response, in ms. Default 0. */
  latencyMs?: number;
  /** 429s (Retry-After: 1) on the 5th and 503s on the 17th request of each resource. Default true. */
  faults?: boolean | FaultSchedule;
  /** Same seed, same records. Default 42. */
  seed?: number;
  /** Port on 127.0.0.1. Default 0: a free one. */
  port?: number;
}

export interface ResourceStats {
  requests: number;
  /** Injected 429s. */
  rateLimited: number;
  /** Injected 503s. */
  unavailable: number;
}

export interface DemoStats {
  resources: Record<DemoResource, ResourceStats>;
  /** Sums over all resources. */
  readonly total: ResourceStats;
}

export interface DemoServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  size: number;
  seed: number;
  /** Live counters of what the server answered. */
  stats: DemoStats;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

function checkInt(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new ConfigError(`demo server: ${name} must be a whole number of at least ${min}, got ${value}`);
  return value;
}

function newStats(): DemoStats {
  const resources = Object.fromEntries(
    DEMO_RESOURCES.map((r) => [r, { requests: 0, rateLimited: 0, unavailable: 0 }]),
  ) as Record<DemoResource, ResourceStats>;
  return {
    resources,
    get total() {
      const sum = { requests: 0, rateLimited: 0, unavailable: 0 };
      for (const s of Object.values(resources)) {
        sum.requests += s.requests;
        sum.rateLimited += s.rateLimited;
        sum.unavailable += s.unavailable;
      }
      return sum;
    },
  };
}

function send(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...reply.headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Which resource a request is for: a REST path, or "reviews" for /graphql. */
function resourceOf(pathname: string): DemoResource | undefined {
  if (pathname === "/graphql") return "reviews";
  const name = pathname.replace(/^\/+|\/+$/g, "");
  return isRestResource(name) ? name : undefined;
}

export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const ctx: ServeContext = {
    size: checkInt("size", options.size ?? DEFAULT_SIZE, 0),
    seed: checkInt("seed", options.seed ?? DEFAULT_SEED, 0),
    pageSizeMax: checkInt("pageSizeMax", options.pageSizeMax ?? 100, 1),
    defaultPageSize: 0,
    origin: "",
  };
  ctx.defaultPageSize = Math.min(
    checkInt("defaultPageSize", options.defaultPageSize ?? 25, 1),
    ctx.pageSizeMax,
  );
  const latencyMs = checkInt("latencyMs", options.latencyMs ?? 0, 0);
  const schedule = resolveFaults(options.faults);
  const stats = newStats();

  const answer = async (req: IncomingMessage): Promise<Reply> => {
    const url = new URL(req.url ?? "/", ctx.origin);
    const method = req.method ?? "GET";
    const body = method === "POST" ? await readBody(req) : "";
    if (body === undefined) return { status: 413, body: { error: "payload_too_large" } };
    if (url.pathname === "/") {
      return { status: 200, body: { resources: DEMO_CATALOG.map(({ pagination: _p, ...info }) => info) } };
    }
    const resource = resourceOf(url.pathname);
    if (!resource)
      return { status: 404, body: { error: "not_found", message: `no resource at ${url.pathname}` } };
    const expected = resource === "reviews" ? "POST" : "GET";
    if (method !== expected)
      return { status: 405, body: { error: "method_not_allowed" }, headers: { allow: expected } };
    const counts = stats.resources[resource];
    counts.requests += 1;
    const fault = faultFor(schedule, counts.requests, method);
    if (fault?.status === 429) {
      counts.rateLimited += 1;
      return {
        status: 429,
        body: { error: "rate_limited", message: "too many requests; see Retry-After" },
        headers: { "retry-after": String(fault.retryAfterSeconds) },
      };
    }
    if (fault?.status === 503) {
      counts.unavailable += 1;
      return { status: 503, body: { error: "unavailable", message: "the demo API is having a moment" } };
    }
    return resource === "reviews" ? serveGraphQL(body, ctx) : serveRest(resource, url.searchParams, ctx);
  };

  const server = createServer(async (req, res) => {
    try {
      const reply = await answer(req);
      if (latencyMs > 0) await sleep(latencyMs);
      if (!res.destroyed) send(res, reply);
    } catch (error) {
      if (!res.headersSent) send(res, { status: 500, body: { error: "internal", message: String(error) } });
      else res.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  ctx.origin = `http://127.0.0.1:${port}`;
  return {
    url: ctx.origin,
    port,
    size: ctx.size,
    seed: ctx.seed,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
