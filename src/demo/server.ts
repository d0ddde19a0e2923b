// startDemoServer: the embedded sample API on a random 127.0.0.1 port (never any other interface),
// with deterministic records, optional latency and a deterministic schedule of 429s and 503s. Used
// by `apikit demo`, the tests and the benchmarks.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { parseOptions } from "../config/index.js";
import { DEMO_CATALOG } from "./catalog.js";
import { type FaultSchedule, faultFor, resolveFaults } from "./faults.js";
import { serveGraphQL } from "./graphql.js";
import { DEFAULT_SEED, DEFAULT_SIZE, DEMO_RESOURCES, type DemoResource } from "./records.js";
import { isRestResource, type Reply, type ServeContext, serveRest } from "./rest.js";

const FaultScheduleConfig = z.strictObject({
  rateLimitAt: z.array(z.int().min(1)).optional(),
  unavailableAt: z.array(z.int().min(1)).optional(),
  retryAfterSeconds: z.number().min(0).optional(),
}) satisfies z.ZodType<FaultSchedule>;

const DemoServerConfig = z.strictObject({
  /** Records per resource. Default 250. */
  size: z.int().min(0).default(DEFAULT_SIZE),
  /** Page sizes above this are cut down to it. Default 100. */
  pageSizeMax: z.int().min(1).default(100),
  /** Page size when a request names none. Default 25. */
  defaultPageSize: z.int().min(1).default(25),
  /** Added before every response, in ms. Default 0. */
  latencyMs: z.int().min(0).default(0),
  /** 429s (Retry-After: 1) on the 5th and 503s on the 17th request of each resource. Default true. */
  faults: z.union([z.boolean(), FaultScheduleConfig]).optional(),
  /** Same seed, same records. Default 42. */
  seed: z.int().min(0).default(DEFAULT_SEED),
  /** Port on 127.0.0.1. Default 0: a free one. */
  port: z.int().min(0).max(65_535).default(0),
});
export type DemoServerOptions = z.input<typeof DemoServerConfig>;

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
  const config = parseOptions(DemoServerConfig, options, "startDemoServer");
  const ctx: ServeContext = {
    size: config.size,
    seed: config.seed,
    pageSizeMax: config.pageSizeMax,
    defaultPageSize: Math.min(config.defaultPageSize, config.pageSizeMax),
    origin: "",
  };
  const { latencyMs } = config;
  const schedule = resolveFaults(config.faults);
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
    server.listen(config.port, "127.0.0.1", () => resolve());
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
