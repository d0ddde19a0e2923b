// A user's paginator, written from the public contract alone (the package entry's Paginator, PageRequest,
// PageResponse and PaginationError), for a scheme no built-in strategy covers: `?after=<id>&size=<n>`,
// with the next token in an `X-Next-After` response header. Driven by the page loop against a real
// server: every record once and in order, resume from a checkpoint, and errors the loop completes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PageRequest, type PageResponse, PaginationError, type Paginator } from "../../src/index.js";
import { type FetchedPage, type LoopPage, paginate } from "../../src/pagination/loop.js";
import { json, makeRecords, startServer, type TestServer } from "../support/server.js";

const ALL = makeRecords(23);
const CAP = 10;

/** What a user would write: no I/O, its own state (tokens seen), one instance per pull. */
class NextAfterHeaderPaginator implements Paginator {
  readonly strategy = "after-header";
  readonly #seen = new Set<string>();

  constructor(private readonly size: number) {}

  first(request: PageRequest): PageRequest {
    return this.#with(request, "size", String(this.size));
  }

  next(response: PageResponse, request: PageRequest): PageRequest | null {
    const raw = response.headers["x-next-after"];
    const after = Array.isArray(raw) ? raw[0] : raw;
    if (after === undefined || after === "") return null;
    // The API breaking its own paging: say what happened; the loop adds how far the pull got.
    if (this.#seen.has(after)) throw new PaginationError(`X-Next-After ${after} came back a second time`);
    this.#seen.add(after);
    return this.#with(request, "after", after);
  }

  /** From a checkpoint: the token about to be sent counts as seen, so the API cannot loop back to it. */
  resume(request: PageRequest): void {
    const after = request.url.searchParams.get("after");
    if (after !== null) this.#seen.add(after);
  }

  /** Requests are values: a copy with one parameter set, never the request the loop handed in. */
  #with(request: PageRequest, name: string, value: string): PageRequest {
    const url = new URL(request.url);
    url.searchParams.set(name, value);
    return { method: request.method, url, body: request.body };
  }
}

let server: TestServer;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = req.url.split("?")[0];
    const after = Number(req.query.get("after") ?? 0);
    const size = Math.min(Number(req.query.get("size") ?? CAP), CAP);
    const items = ALL.filter((r) => r.id > after).slice(0, size);
    const last = items[items.length - 1];
    const more = last !== undefined && last.id < ALL.length;
    // /stuck: from the third page on, the API hands out the first page's token again.
    const token = path === "/stuck" && after >= 10 ? "5" : String(last?.id);
    json(res, 200, { items }, more ? { "x-next-after": token } : {});
  });
});

afterAll(() => server.close());

/** A plain fetch, as the facade's would be: the page's URL comes back with the api key redacted. */
async function fetchPage(request: PageRequest): Promise<FetchedPage> {
  const response = await fetch(request.url, { method: request.method });
  const text = await response.text();
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const shown = new URL(request.url);
  if (shown.searchParams.has("api_key")) shown.searchParams.set("api_key", "***");
  return { status: response.status, headers, data: JSON.parse(text), url: shown.href, bytes: text.length };
}

const start = (path: string): PageRequest => ({
  method: "GET",
  url: new URL(`${server.url}${path}?api_key=s3cret`),
});

async function collect(pages: AsyncGenerator<LoopPage>): Promise<{ pages: LoopPage[]; error?: unknown }> {
  const seen: LoopPage[] = [];
  try {
    for await (const page of pages) seen.push(page);
    return { pages: seen };
  } catch (error) {
    return { pages: seen, error };
  }
}

const idsOf = (pages: LoopPage[]) => pages.flatMap((p) => p.records.map((r) => (r as { id: number }).id));
const every = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("a user's paginator through the page loop", () => {
  it("gives every record once and in order, asking with the user's own parameters", async () => {
    server.requests.length = 0;
    const paginator: Paginator = new NextAfterHeaderPaginator(5);
    const { pages, error } = await collect(paginate({ paginator, request: start("/items"), fetchPage }));
    expect(error).toBeUndefined();
    expect(idsOf(pages)).toEqual(every(1, 23));
    expect(pages.map((p) => p.records.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.at(-1)?.last).toBe(true);
    expect(server.requests.map((r) => r.query.get("after"))).toEqual([null, "5", "10", "15", "20"]);
    expect(server.requests.every((r) => r.query.get("size") === "5")).toBe(true);
    expect(paginator.detected).toBeUndefined();
  });

  it("keeps to the server's cap when the size asked is larger, and the loop's limits still apply", async () => {
    const capped = await collect(
      paginate({ paginator: new NextAfterHeaderPaginator(50), request: start("/items"), fetchPage }),
    );
    expect(idsOf(capped.pages)).toEqual(every(1, 23));

    const limited = await collect(
      paginate({
        paginator: new NextAfterHeaderPaginator(5),
        request: start("/items"),
        fetchPage,
        maxItems: 12,
      }),
    );
    expect(idsOf(limited.pages)).toEqual(every(1, 12));
    expect(limited.pages.at(-1)?.truncated).toBe(true);
  });

  it("resumes from a checkpoint's next request through resume()", async () => {
    const full = await collect(
      paginate({ paginator: new NextAfterHeaderPaginator(5), request: start("/items"), fetchPage }),
    );
    const checkpoint = full.pages[1]!;
    const resumed = await collect(
      paginate({
        paginator: new NextAfterHeaderPaginator(5),
        request: start("/items"),
        fetchPage,
        resume: { request: checkpoint.next!, pages: 2, records: 10 },
      }),
    );
    expect(idsOf(resumed.pages)).toEqual(every(11, 23));
    expect(resumed.pages[0]?.index).toBe(2);
  });

  it("a PaginationError from the user's next() carries the loop's counts and the redacted URL", async () => {
    const { pages, error } = await collect(
      paginate({ paginator: new NextAfterHeaderPaginator(5), request: start("/stuck"), fetchPage }),
    );
    // The page that repeated the token is still yielded; the pull then fails instead of looping.
    expect(idsOf(pages)).toEqual(every(1, 15));
    expect(error).toBeInstanceOf(PaginationError);
    const failure = error as PaginationError;
    expect(failure.message).toBe("X-Next-After 5 came back a second time (after 3 pages and 15 records)");
    expect(failure.pages).toBe(3);
    expect(failure.recordsFetched).toBe(15);
    expect(failure.url).toBe(`${server.url}/stuck?api_key=***&size=5&after=10`);
    expect(failure.cause).toBeInstanceOf(PaginationError);
  });

  it("counts from a resume point, and keeps what the user's error says of its own", async () => {
    class StuckError extends PaginationError {
      readonly token = "5";
    }
    const own = (counted: boolean): Paginator => ({
      strategy: "stuck",
      first: (request) => request,
      next: () => {
        throw new StuckError(
          "stuck",
          counted ? { pages: 7, recordsFetched: 70, url: "https://api.test/mine" } : {},
        );
      },
    });
    const request = start("/items");
    const resume = { request, pages: 4, records: 40 };

    const plain = await collect(paginate({ paginator: own(false), request, fetchPage, resume }));
    const failure = plain.error as PaginationError;
    expect(failure.message).toBe("stuck (after 5 pages and 50 records)");
    expect([failure.pages, failure.recordsFetched]).toEqual([5, 50]);
    // The user's subclass and its fields stay reachable.
    expect((failure.cause as StuckError).token).toBe("5");

    const kept = await collect(paginate({ paginator: own(true), request, fetchPage }));
    expect(kept.error).toBeInstanceOf(StuckError);
    expect((kept.error as PaginationError).message).toBe("stuck");
    expect((kept.error as PaginationError).pages).toBe(7);
  });
});
