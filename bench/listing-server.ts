// A loopback API for benchmarks: GET /<total>/items?offset=&limit= answers { total, offset, limit, items }
// with nested records generated on the fly (so 5 million records cost the server no memory), and
// GET /<total>/realistic the same with realistic records (bench/records.ts), whose page bodies are
// kept once built so that every contestant after the warm-up pays only for the transfer. Runs in
// the parent process; scenarios run in children, so their peak RSS is theirs alone.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { benchRecord, realisticRecord } from "./records.ts";

export interface ListingServer {
  url: string;
  close(): Promise<void>;
}

/** Realistic page bodies kept (about 1 MB per 1 000 records): enough for the suite's 200 pages. */
const CACHED_PAGES = 400;

export async function startListingServer(): Promise<ListingServer> {
  const cache = new Map<string, Buffer>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const [, totalText, kind] = /^\/(\d+)\/(items|realistic)$/.exec(url.pathname) ?? [];
    const total = Number(totalText ?? 0);
    const offset = Number(url.searchParams.get("offset") ?? 0);
    const limit = Math.min(Number(url.searchParams.get("limit") ?? 100), 5000);
    let body = kind === "realistic" ? cache.get(`${total}:${offset}:${limit}`) : undefined;
    if (!body) {
      const make = kind === "realistic" ? realisticRecord : benchRecord;
      const items = [];
      for (let i = offset; i < Math.min(offset + limit, total); i++) items.push(make(i));
      body = Buffer.from(JSON.stringify({ total, offset, limit, items }));
      if (kind === "realistic" && cache.size < CACHED_PAGES) cache.set(`${total}:${offset}:${limit}`, body);
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
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
