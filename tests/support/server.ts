// A real HTTP server on 127.0.0.1 for tests: records every request and answers through a handler.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
  /** Which TCP connection carried it (1-based, in order of opening). */
  connection: number;
}

export type Handler = (
  req: RecordedRequest,
  res: ServerResponse,
  raw: IncomingMessage,
) => void | Promise<void>;

export interface TestServer {
  url: string;
  origin: string;
  port: number;
  requests: RecordedRequest[];
  connections: number;
  /** Requests being handled right now, and the most seen at once. */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const connectionIds = new WeakMap<Socket, number>();
  const state = { connections: 0, inFlight: 0, maxInFlight: 0 };
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (raw, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of raw) chunks.push(chunk as Buffer);
    const url = raw.url ?? "/";
    const recorded: RecordedRequest = {
      method: raw.method ?? "GET",
      url,
      query: new URL(url, "http://x").searchParams,
      headers: raw.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      connection: connectionIds.get(raw.socket) ?? 0,
    };
    requests.push(recorded);
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    res.on("close", () => {
      state.inFlight -= 1;
    });
    try {
      await handler(recorded, res, raw);
    } catch (error) {
      if (!res.headersSent) {
        res.statusCode = 599;
        res.end(String(error));
      } else res.destroy();
    }
  });
  server.on("connection", (socket) => {
    state.connections += 1;
    connectionIds.set(socket, state.connections);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    origin,
    port,
    requests,
    get connections() {
      return state.connections;
    },
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Records 1..n as { id, name } objects. */
export function makeRecords(n: number, from = 1): Array<{ id: number; name: string }> {
  return Array.from({ length: n }, (_, i) => ({ id: from + i, name: `item ${from + i}` }));
}

/** Fast retry settings so tests never wait on real backoff. */
export const FAST_RETRY = { initialDelayMs: 1, maxDelayMs: 5 } as const;

/**
 * Per-test loopback servers and clients that are closed after each test:
 * `const { serve, client } = useLoopback(afterEach, (o) => new Apikit(o));`
 */
export function useLoopback<C extends { close(): Promise<void> }, O extends { baseUrl: string }>(
  afterEachHook: (fn: () => Promise<void>) => void,
  make: (options: O) => C,
) {
  let servers: TestServer[] = [];
  let clients: C[] = [];
  afterEachHook(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
    clients = [];
  });
  return {
    async serve(handler: Handler): Promise<TestServer> {
      const server = await startServer(handler);
      servers.push(server);
      return server;
    },
    client(baseUrl: string, extra: Partial<O> = {}): C {
      const c = make({ baseUrl, retry: { ...FAST_RETRY }, ...extra } as unknown as O);
      clients.push(c);
      return c;
    },
    /** Forget a server the test closed itself. */
    forget(server: TestServer): void {
      servers = servers.filter((s) => s !== server);
    },
  };
}

/** A port free on 127.0.0.1 a moment ago, for a server the test starts in another process. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}
