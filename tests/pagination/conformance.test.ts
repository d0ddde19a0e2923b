// Model-based pagination conformance: fast-check generates paginated APIs (offset, page number, cursor
// in the body or from the last record, next URLs in a Link header or the body, GraphQL Relay), with
// page sizes, server caps, empty pages anywhere, totals right / missing / wrong, relative and absolute
// next URLs, null final pages and repeated cursors, and serves each from one loopback server. Every
// strategy, configured or `auto`, through every entry point, must give each record exactly once and
// in order, or fail with a typed ApikitError; never a short result reported as success. A model without
// faults must always be pulled completely.
//
// What no client can tell apart, and so is not generated: an offset or page listing with no count it
// can trust (none, or one its records outnumber) that sends an empty page mid-listing (the empty page
// is then its only end signal), and `auto` on an
// API with no pagination metadata in its responses. One outcome is allowed besides the two above: a
// total (or page count) lower than the truth that ends exactly on a page boundary is the API's own
// statement of where the listing ends, and apikit trusts it (README, Pagination); the result is then
// exactly the records up to that count. A server that points back to its first page with a cursor it
// never gave before is caught one page later, when that cursor repeats (so it is not generated: a limit
// reached in between would end the pull first, with that page's records twice).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApikitError } from "../../src/errors.js";
import { Apikit } from "../../src/facade/index.js";
import { json, type RecordedRequest, startServer, type TestServer } from "../support/server.js";

type Kind = "offset" | "page" | "cursor" | "cursorLast" | "link" | "relay";
type Entry = "fetchRecords" | "stream" | "pages" | "fetchToFile";

interface Model {
  kind: Kind;
  auto: boolean;
  n: number;
  /** Records per page the client asks for (offset, page, cursorLast); the server's default size too. */
  pageSize: number;
  /** The most the server sends per page, whatever is asked. */
  cap: number;
  /** offset/page: the count the server states. */
  count: "right" | "missing" | "low" | "high";
  countDelta: number;
  /** page: the count is total_pages (else total records). */
  countPages: boolean;
  /** offset/page: one page index served empty although records remain (a fault needing a count). */
  glitchAt: number | null;
  /** cursor, link, relay: the page sizes the server chose, zeros are empty pages. */
  plan: number[];
  cursorEnd: "null" | "missing" | "empty";
  hasMore: boolean;
  /** cursorLast: has_more stays true after the last record (fault). */
  hasMoreLies: boolean;
  cursorIn: "query" | "body";
  nextIn: "header" | "body";
  nextForm: "path" | "query" | "absolute";
  /** cursor, link, relay: this page's next token points back to one already used (fault). */
  repeatAt: number | null;
  repeatTo: number;
  /** The last page's body has `data: null` (or a null connection) instead of an empty array. */
  nullFinal: boolean;
  relayEdges: boolean;
  /** relay: hasNextPage true with a null endCursor on this page (fault). */
  relayNoCursorAt: number | null;
  maxEmptyPages: number | undefined;
  maxItems: number | undefined;
  concurrency: number;
  entry: Entry;
  nonce: number;
}

// APIKIT_CONFORMANCE_RUNS raises the count for a longer hunt; the suite keeps it to a few seconds.
const RUNS = Number(process.env.APIKIT_CONFORMANCE_RUNS ?? 260);
let server: TestServer;
let current: Model;
let dir: string;
let fileNumber = 0;

const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** The plan's pages as id ranges: page i holds ids from starts[i] + 1. */
function starts(plan: number[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const size of plan) {
    out.push(at);
    at += size;
  }
  return out;
}

function pageOf(plan: number[], i: number): Array<{ id: number }> {
  const from = starts(plan)[i] ?? 0;
  return Array.from({ length: plan[i] ?? 0 }, (_, k) => ({ id: from + k + 1 }));
}

const token = (m: Model, i: number) => `t${m.nonce}-${i}`;
const tokenIndex = (m: Model, t: string | undefined | null) =>
  t ? Number(t.slice(`t${m.nonce}-`.length)) : 0;

function nextUrl(m: Model, i: number): string {
  const path = i === 0 ? "/items" : `/items?p=${i}`;
  if (m.nextForm === "absolute") return `${server.origin}${path}`;
  if (m.nextForm === "query" && i > 0) return `?p=${i}`;
  return path;
}

/** The next token a page of a cursor/link/relay plan gives (undefined at the end), faults included. */
function nextIndex(m: Model, i: number): number | undefined {
  if (m.repeatAt === i)
    return m.kind === "link" ? Math.min(m.repeatTo, i) : Math.min(Math.max(1, m.repeatTo), i);
  return i < m.plan.length - 1 ? i + 1 : undefined;
}

function statedCount(m: Model, truth: number): number | undefined {
  if (m.count === "missing") return undefined;
  if (m.count === "right") return truth;
  return Math.max(0, truth + (m.count === "low" ? -m.countDelta : m.countDelta));
}

function answer(req: RecordedRequest, res: Parameters<Parameters<typeof startServer>[0]>[1]) {
  const m = current;
  const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
  switch (m.kind) {
    case "offset": {
      const offset = Number(req.query.get("offset") ?? 0);
      const limit = Math.min(Number(req.query.get("limit") ?? m.pageSize), m.cap);
      const glitch = m.glitchAt !== null && offset === m.glitchAt * m.pageSize;
      const data = glitch
        ? []
        : ids(m.n)
            .slice(offset, offset + limit)
            .map((id) => ({ id }));
      const total = statedCount(m, m.n);
      return json(res, 200, { data, offset, ...(total === undefined ? {} : { total }) });
    }
    case "page": {
      const page = Number(req.query.get("page") ?? 1);
      const size = Math.min(Number(req.query.get("limit") ?? m.pageSize), m.cap);
      const glitch = m.glitchAt !== null && page === m.glitchAt + 1;
      const data = glitch
        ? []
        : ids(m.n)
            .slice((page - 1) * size, page * size)
            .map((id) => ({ id }));
      const count = m.countPages
        ? { total_pages: statedCount(m, Math.ceil(m.n / size)) }
        : { total: statedCount(m, m.n) };
      return json(res, 200, { data, page, ...(m.count === "missing" ? {} : count) });
    }
    case "cursorLast": {
      const after = req.query.get("starting_after");
      const from = after === null ? 0 : Number(after);
      const limit = Math.min(Number(req.query.get("limit") ?? m.pageSize), m.cap);
      const data = ids(m.n)
        .slice(from, from + limit)
        .map((id) => ({ id }));
      // A lying has_more stays true after the last record too.
      return json(res, 200, { data, has_more: from + data.length < m.n || m.hasMoreLies });
    }
    case "cursor": {
      const cursor = m.cursorIn === "body" ? (body.cursor as string | undefined) : req.query.get("cursor");
      const i = tokenIndex(m, cursor);
      const next = nextIndex(m, i);
      const last = i === m.plan.length - 1;
      const data = last && m.nullFinal && m.plan[i] === 0 ? null : pageOf(m.plan, i);
      const out: Record<string, unknown> = { data };
      if (next !== undefined) out.next_cursor = token(m, next);
      else if (m.cursorEnd === "null") out.next_cursor = null;
      else if (m.cursorEnd === "empty") out.next_cursor = "";
      if (m.hasMore) out.has_more = next !== undefined;
      return json(res, 200, out);
    }
    case "link": {
      const i = Number(req.query.get("p") ?? 0);
      const next = nextIndex(m, i);
      const records = pageOf(m.plan, i);
      const last = i === m.plan.length - 1;
      if (m.nextIn === "header") {
        const headers: Record<string, string> =
          next === undefined ? {} : { link: `<${nextUrl(m, next)}>; rel="next"` };
        return json(res, 200, last && m.nullFinal && records.length === 0 ? "null" : records, headers);
      }
      const data = last && m.nullFinal && records.length === 0 ? null : records;
      return json(res, 200, { data, next: next === undefined ? null : nextUrl(m, next) });
    }
    case "relay": {
      const after = (body.variables as { after?: string } | undefined)?.after;
      const i = tokenIndex(m, after);
      const next = nextIndex(m, i);
      const nodes = pageOf(m.plan, i);
      const last = i === m.plan.length - 1;
      const pageInfo = {
        hasNextPage: next !== undefined || m.relayNoCursorAt === i,
        endCursor: m.relayNoCursorAt === i ? null : next === undefined ? null : token(m, next),
      };
      const connection =
        last && m.nullFinal && nodes.length === 0
          ? null
          : m.relayEdges
            ? { edges: nodes.map((node) => ({ node })), pageInfo }
            : { nodes, pageInfo };
      return json(res, 200, { data: { items: connection } });
    }
  }
}

/** The longest run of empty pages that still point on (what maxEmptyPages counts). */
function emptyRun(plan: number[]): number {
  let run = 0;
  let longest = 0;
  plan.forEach((size, i) => {
    run = size === 0 && i < plan.length - 1 ? run + 1 : 0;
    longest = Math.max(longest, run);
  });
  return longest;
}

/** Faults: what a correct API never does. A model without them must be pulled completely. */
function faulty(m: Model): boolean {
  const planKinds = m.kind === "cursor" || m.kind === "link" || m.kind === "relay";
  if (planKinds && (m.repeatAt !== null || emptyRun(m.plan) >= (m.maxEmptyPages ?? 10))) return true;
  if (m.kind === "relay" && m.relayNoCursorAt !== null) return true;
  if (m.kind === "cursorLast" && m.hasMoreLies) return true;
  if ((m.kind === "offset" || m.kind === "page") && (m.count === "low" || m.count === "high")) return true;
  return (m.kind === "offset" || m.kind === "page") && m.glitchAt !== null;
}

/** Records a trusted low count stops at: the API's statement, on a page boundary. */
function lowCountPrefix(m: Model): number | undefined {
  if (m.count !== "low" || (m.kind !== "offset" && m.kind !== "page")) return undefined;
  const size = Math.min(m.pageSize, m.cap);
  if (m.kind === "page" && m.countPages) return (statedCount(m, Math.ceil(m.n / size)) ?? 0) * size;
  return statedCount(m, m.n);
}

function clientFor(m: Model): Apikit {
  const strategy = m.auto
    ? "auto"
    : m.kind === "cursorLast"
      ? "cursor"
      : m.kind === "relay"
        ? undefined
        : m.kind;
  return new Apikit({
    baseUrl: server.url,
    retry: { maxRetries: 0 },
    concurrency: m.concurrency,
    ...(strategy ? { pagination: { strategy } } : {}),
  });
}

function listingOptions(m: Model): Record<string, unknown> {
  const common = {
    ...(m.maxEmptyPages ? { maxEmptyPages: m.maxEmptyPages } : {}),
    ...(m.maxItems ? { maxItems: m.maxItems } : {}),
  };
  if (m.auto) return common;
  switch (m.kind) {
    case "offset":
      return { ...common, pageSize: m.pageSize, ...(m.count === "missing" ? {} : { totalPath: "total" }) };
    case "page": {
      const count =
        m.count === "missing"
          ? {}
          : m.countPages
            ? { totalPagesPath: "total_pages" }
            : { totalPath: "total" };
      return { ...common, pageSize: m.pageSize, ...count };
    }
    case "cursorLast":
      return {
        ...common,
        pageSize: m.pageSize,
        cursorFromLastRecord: "id",
        cursorParam: "starting_after",
        hasMorePath: "has_more",
      };
    case "cursor":
      return {
        ...common,
        ...(m.hasMore ? { hasMorePath: "has_more" } : {}),
        ...(m.cursorIn === "body" ? { cursorIn: "body", method: "POST", body: { filter: "all" } } : {}),
      };
    case "link":
      return { ...common, ...(m.nextIn === "body" ? { nextUrlPath: "next", dataPath: "data" } : {}) };
    case "relay":
      return common;
  }
}

/** Pulls the model's listing through its entry point: the ids in order, or the error it raised. */
async function pull(m: Model): Promise<{ ok: true; ids: unknown[] } | { ok: false; error: unknown }> {
  const client = clientFor(m);
  try {
    if (m.kind === "relay") {
      const query =
        "query($first: Int, $after: String) { items(first: $first, after: $after) { nodes { id } } }";
      const options = { connectionPath: "items", paginate: true, pageSize: m.pageSize, ...listingOptions(m) };
      if (m.entry === "fetchToFile")
        return {
          ok: true,
          ids: await viaFile((filePath) => client.graphqlToFile("/graphql", query, { ...options, filePath })),
        };
      const out: unknown[] = [];
      if (m.entry === "stream")
        for await (const r of client.graphqlStream<{ id: number }>("/graphql", query, options))
          out.push(r.id);
      else
        out.push(
          ...(await client.graphql<Array<{ id: number }>>("/graphql", query, options)).map((r) => r.id),
        );
      return { ok: true, ids: out };
    }
    const options = listingOptions(m);
    switch (m.entry) {
      case "fetchRecords":
        return { ok: true, ids: (await client.fetchRecords("/items", options)).map((r) => r.id) };
      case "stream": {
        const out: unknown[] = [];
        for await (const r of client.stream("/items", options)) out.push(r.id);
        return { ok: true, ids: out };
      }
      case "pages": {
        const out: unknown[] = [];
        for await (const page of client.pages("/items", options)) out.push(...page.records.map((r) => r.id));
        return { ok: true, ids: out };
      }
      case "fetchToFile":
        return {
          ok: true,
          ids: await viaFile((filePath) => client.fetchToFile("/items", { ...options, filePath })),
        };
    }
  } catch (error) {
    return { ok: false, error };
  } finally {
    await client.close();
  }
}

async function viaFile(write: (filePath: string) => Promise<unknown>): Promise<unknown[]> {
  const filePath = join(dir, `pull-${fileNumber++}.ndjson`);
  const result = (await write(filePath)) as { records: number };
  const text = await readFile(filePath, "utf8");
  const lines = text === "" ? [] : text.trimEnd().split("\n");
  expect(lines).toHaveLength(result.records);
  return lines.map((line) => (JSON.parse(line) as { id: number }).id);
}

/** `value` about one time in five, `none` otherwise: faults and limits stay the exception. */
function rarely<T, N extends null | undefined>(value: fc.Arbitrary<T>, none: N): fc.Arbitrary<T | N> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant(none) }, { weight: 1, arbitrary: value });
}

const plan = fc
  .array(
    fc.record({
      before: fc.oneof(
        { weight: 12, arbitrary: fc.constant(0) },
        { weight: 6, arbitrary: fc.integer({ min: 1, max: 3 }) },
        { weight: 1, arbitrary: fc.integer({ min: 9, max: 12 }) },
      ),
      size: fc.integer({ min: 1, max: 6 }),
    }),
    { maxLength: 6 },
  )
  .chain((chunks) =>
    fc.nat(2).map((trailing) => {
      const sizes = chunks.flatMap(({ before, size }) => [...Array<number>(before).fill(0), size]);
      sizes.push(...Array<number>(trailing).fill(0));
      return sizes.length === 0 ? [0] : sizes;
    }),
  );

const model: fc.Arbitrary<Model> = fc
  .record({
    kind: fc.constantFrom<Kind>("offset", "page", "cursor", "cursorLast", "link", "relay"),
    auto: fc.boolean(),
    n: fc.integer({ min: 0, max: 40 }),
    pageSize: fc.integer({ min: 1, max: 8 }),
    cap: fc.oneof(fc.constant(1000), fc.integer({ min: 1, max: 8 })),
    count: fc.constantFrom("right", "missing", "low", "high") as fc.Arbitrary<Model["count"]>,
    countDelta: fc.integer({ min: 1, max: 9 }),
    countPages: fc.boolean(),
    glitchAt: rarely(fc.nat(6), null),
    plan,
    cursorEnd: fc.constantFrom("null", "missing", "empty") as fc.Arbitrary<Model["cursorEnd"]>,
    hasMore: fc.boolean(),
    hasMoreLies: fc.boolean(),
    cursorIn: fc.constantFrom("query", "body") as fc.Arbitrary<Model["cursorIn"]>,
    nextIn: fc.constantFrom("header", "body") as fc.Arbitrary<Model["nextIn"]>,
    nextForm: fc.constantFrom("path", "query", "absolute") as fc.Arbitrary<Model["nextForm"]>,
    repeatAt: rarely(fc.nat(8), null),
    repeatTo: fc.nat(8),
    nullFinal: fc.boolean(),
    relayEdges: fc.boolean(),
    relayNoCursorAt: rarely(fc.nat(8), null),
    maxEmptyPages: rarely(fc.constantFrom(2, 5), undefined),
    maxItems: rarely(fc.integer({ min: 1, max: 45 }), undefined),
    concurrency: fc.integer({ min: 1, max: 4 }),
    entry: fc.constantFrom<Entry>("fetchRecords", "stream", "pages", "fetchToFile"),
    nonce: fc.nat(),
  })
  .map((m): Model => {
    const planned = m.kind === "cursor" || m.kind === "link" || m.kind === "relay";
    const n = planned ? m.plan.reduce((a, b) => a + b, 0) : m.n;
    return {
      ...m,
      n,
      // A glitch needs a count the client can trust to be told from the end (a missing count, or one
      // the records outnumber, leaves the empty page as the only end signal), and falls inside the listing.
      glitchAt:
        m.glitchAt !== null &&
        (m.count === "right" || m.count === "high") &&
        m.glitchAt * m.pageSize < n &&
        m.cap >= m.pageSize &&
        // A one-page listing counted in pages says the same whether its page is empty or not.
        !(m.kind === "page" && m.countPages && Math.ceil(n / m.pageSize) <= 1)
          ? m.glitchAt
          : null,
      // `auto` needs metadata: a count for offset/page, a non-lying has_more for cursorLast, the default names.
      auto:
        m.auto &&
        m.kind !== "relay" &&
        !(m.kind === "offset" && m.count === "missing") &&
        !(m.kind === "page" && (m.count === "missing" || !m.countPages)) &&
        !(m.kind === "cursor" && m.cursorIn === "body") &&
        !(m.kind === "link" && m.nextIn === "body" && m.nextForm === "query"),
      // A cursor can only repeat one the client sent: the first page is asked for without one.
      repeatAt:
        planned &&
        m.repeatAt !== null &&
        m.repeatAt < m.plan.length - 1 &&
        (m.kind === "link" || m.repeatAt > 0)
          ? m.repeatAt
          : null,
      relayNoCursorAt: m.kind === "relay" ? m.relayNoCursorAt : null,
    };
  });

beforeAll(async () => {
  server = await startServer(answer);
  dir = await mkdtemp(join(tmpdir(), "apikit-conformance-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("pagination conformance over generated APIs", () => {
  it("every record exactly once and in order, or a typed ApikitError; a correct API always completely", async () => {
    await fc.assert(
      fc.asyncProperty(model, async (m) => {
        current = m;
        const outcome = await pull(m);
        const limit = m.maxItems ?? Number.POSITIVE_INFINITY;
        const expected = ids(Math.min(m.n, limit));
        if (!outcome.ok) {
          if (!(outcome.error instanceof ApikitError)) throw outcome.error;
          expect(faulty(m), `a correct API failed: ${(outcome.error as Error).message}`).toBe(true);
          return;
        }
        const low = lowCountPrefix(m);
        if (low !== undefined && low < m.n && outcome.ids.length !== expected.length) {
          expect(outcome.ids).toEqual(ids(Math.min(low, limit)));
          return;
        }
        expect(outcome.ids).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
