// A loopback API that misbehaves on a seeded schedule, for the chaos suite. It serves one fixed
// dataset under offset, cursor and Link pagination; each run lives under /r/<run>/<strategy>/items, and
// whether (and how) a request misbehaves is drawn from a PRNG seeded by (run, request, attempt), so a
// run replays the same faults however the client's concurrent requests happen to interleave.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mulberry32 } from "../../src/demo/random.js";
import { json } from "../support/server.js";

export { mulberry32 };

export type Strategy = "offset" | "cursor" | "link";
export const STRATEGIES: readonly Strategy[] = ["offset", "cursor", "link"];

export const FAULTS = [
  "429-retry-after-0",
  "429",
  "500",
  "502",
  "503",
  "504",
  "reset",
  "truncated",
  "slow",
  "429-hour",
  "repeat",
] as const;
export type Fault = (typeof FAULTS)[number];

/** Per-request chance of each fault (≈ 25 % in all); the rest are answered properly. */
const WEIGHTS: ReadonlyArray<readonly [Fault, number]> = [
  ["429-retry-after-0", 0.05],
  ["429", 0.04],
  ["500", 0.02],
  ["502", 0.02],
  ["503", 0.02],
  ["504", 0.02],
  ["reset", 0.04],
  ["truncated", 0.008],
  ["slow", 0.01],
  ["429-hour", 0.008],
  ["repeat", 0.012],
];

export const TOTAL_RECORDS = 300;
export const PAGE_SIZE = 25;
/** A slow answer waits this long before its headers: well past the client's timeout in the suite. */
export const SLOW_MS = 2_000;
/** At most this many slow answers per run, so a run costs at most a few client timeouts. */
const SLOW_PER_RUN = 1;

export interface ChaosRecord {
  id: number;
  name: string;
  score: number;
  tag: { kind: string };
}

export const DATASET: readonly ChaosRecord[] = Array.from({ length: TOTAL_RECORDS }, (_, i) => ({
  id: i + 1,
  name: `item ${i + 1}`,
  score: (i + 1) * 1.5,
  tag: { kind: i % 2 === 0 ? "even" : "odd" },
}));

/** What one run was sent. */
export interface RunLog {
  requests: number;
  faults: Partial<Record<Fault, number>>;
}

export interface ChaosServer {
  url: string;
  /** The run's log: requests served and faults injected. */
  run(id: string): RunLog;
  close(): Promise<void>;
}

/** FNV-1a, 32 bits: turns (run, request, attempt) into a PRNG seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const encodeCursor = (offset: number) => Buffer.from(`at:${offset}`).toString("base64url");
function decodeCursor(cursor: string | null): number {
  if (cursor === null) return 0;
  const match = /^at:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match ? Number(match[1]) : -1;
}

interface RunState extends RunLog {
  attempts: Map<string, number>;
  slow: number;
}

interface PlannedPage {
  body: unknown;
  headers: Record<string, string>;
}

export async function startChaosServer(): Promise<ChaosServer> {
  const runs = new Map<string, RunState>();
  const stateOf = (id: string): RunState => {
    let state = runs.get(id);
    if (!state) {
      state = { requests: 0, faults: {}, attempts: new Map(), slow: 0 };
      runs.set(id, state);
    }
    return state;
  };
  let origin = "";

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", origin);
    const match = /^\/r\/([\w-]+)\/(offset|cursor|link)\/items$/.exec(url.pathname);
    if (!match) {
      json(res, 404, { error: "not found" });
      return;
    }
    const [, runId, strategy] = match as unknown as [string, string, Strategy];
    const run = stateOf(runId);
    run.requests += 1;
    const key = `${url.pathname}${url.search}`;
    const attempt = (run.attempts.get(key) ?? 0) + 1;
    run.attempts.set(key, attempt);
    const page = planPage(strategy, url);
    if (!page) {
      json(res, 400, { error: "bad page parameters" });
      return;
    }
    const random = mulberry32(hash(`${runId}|${key}|${attempt}`));
    const fault = pickFault(random(), run, strategy, url);
    if (fault) run.faults[fault] = (run.faults[fault] ?? 0) + 1;
    misbehave(fault, req, res, page, url);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    run: (id) => {
      const state = stateOf(id);
      return { requests: state.requests, faults: { ...state.faults } };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function pickFault(roll: number, run: RunState, strategy: Strategy, url: URL): Fault | undefined {
  let acc = 0;
  for (const [fault, weight] of WEIGHTS) {
    acc += weight;
    if (roll >= acc) continue;
    if (fault === "slow") {
      if (run.slow >= SLOW_PER_RUN) return undefined;
      run.slow += 1;
    }
    // A cursor can only repeat once there is one; offsets have none.
    if (fault === "repeat" && (strategy === "offset" || isFirstPage(strategy, url))) return undefined;
    return fault;
  }
  return undefined;
}

function isFirstPage(strategy: Strategy, url: URL): boolean {
  return strategy === "cursor"
    ? !url.searchParams.has("cursor")
    : (url.searchParams.get("page") ?? "1") === "1";
}

/** The proper answer to a page request, or undefined for parameters no client of ours should send. */
function planPage(strategy: Strategy, url: URL): PlannedPage | undefined {
  const q = url.searchParams;
  if (strategy === "offset") {
    const offset = Number(q.get("offset") ?? 0);
    const limit = Number(q.get("limit") ?? PAGE_SIZE);
    if (!Number.isInteger(offset) || !Number.isInteger(limit) || offset < 0 || limit < 1) return undefined;
    return { body: { items: DATASET.slice(offset, offset + limit), total: TOTAL_RECORDS }, headers: {} };
  }
  if (strategy === "cursor") {
    const offset = decodeCursor(q.get("cursor"));
    if (offset < 0) return undefined;
    const end = offset + PAGE_SIZE;
    return {
      body: {
        data: DATASET.slice(offset, end),
        next_cursor: end < TOTAL_RECORDS ? encodeCursor(end) : null,
      },
      headers: {},
    };
  }
  const pageNumber = Number(q.get("page") ?? 1);
  if (!Number.isInteger(pageNumber) || pageNumber < 1) return undefined;
  const start = (pageNumber - 1) * PAGE_SIZE;
  const headers: Record<string, string> = {};
  if (start + PAGE_SIZE < TOTAL_RECORDS) {
    const next = new URL(url);
    next.searchParams.set("page", String(pageNumber + 1));
    headers.link = `<${next.href}>; rel="next"`;
  }
  return { body: DATASET.slice(start, start + PAGE_SIZE), headers };
}

function misbehave(
  fault: Fault | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  page: PlannedPage,
  url: URL,
): void {
  switch (fault) {
    case undefined:
      json(res, 200, page.body, page.headers);
      return;
    case "429-retry-after-0":
      json(res, 429, { error: "slow down" }, { "retry-after": "0" });
      return;
    case "429":
      json(res, 429, { error: "slow down" });
      return;
    case "429-hour":
      json(res, 429, { error: "come back in an hour" }, { "retry-after": "3600" });
      return;
    case "500":
    case "502":
    case "503":
    case "504":
      json(res, Number(fault), { error: `injected ${fault}` });
      return;
    case "reset": {
      // Headers promise the whole body; half of it arrives, then the connection is torn down.
      const text = JSON.stringify(page.body);
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
        ...page.headers,
      });
      res.write(text.slice(0, Math.floor(text.length / 2)), () => req.socket.destroy());
      return;
    }
    case "truncated": {
      // A 200 whose Content-Length matches a body cut short: the transport sees a clean response.
      const text = JSON.stringify(page.body);
      json(res, 200, text.slice(0, Math.floor(text.length * 0.6)), page.headers);
      return;
    }
    case "slow": {
      const timer = setTimeout(() => {
        if (!res.destroyed) json(res, 200, page.body, page.headers);
      }, SLOW_MS);
      res.on("close", () => clearTimeout(timer));
      return;
    }
    case "repeat": {
      // The next cursor (or next link) points back at the page just served.
      if (url.searchParams.has("cursor")) {
        const body = {
          ...(page.body as Record<string, unknown>),
          next_cursor: url.searchParams.get("cursor"),
        };
        json(res, 200, body, page.headers);
      } else json(res, 200, page.body, { ...page.headers, link: `<${url.href}>; rel="next"` });
      return;
    }
  }
}
