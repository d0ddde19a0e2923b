// A loopback API for benchmarks: GET /<total>/items?offset=&limit= answers { total, items } with nested
// records generated on the fly (so 5 million records cost the server no memory). Runs in the parent
// process; scenarios run in children, so their peak RSS is theirs alone.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { benchRecord } from "./records.ts";

export interface ListingServer {
  url: string;
  close(): Promise<void>;
}

export async function startListingServer(): Promise<ListingServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const total = Number(/^\/(\d+)\/items$/.exec(url.pathname)?.[1] ?? 0);
    const offset = Number(url.searchParams.get("offset") ?? 0);
    const limit = Math.min(Number(url.searchParams.get("limit") ?? 100), 5000);
    const items = [];
    for (let i = offset; i < Math.min(offset + limit, total); i++) items.push(benchRecord(i));
    const body = JSON.stringify({ total, offset, limit, items });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
