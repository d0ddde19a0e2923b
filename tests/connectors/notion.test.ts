// The notion connector against a loopback Notion: bearer token plus a required Notion-Version header,
// { results, next_cursor, has_more } lists; POST endpoints read start_cursor/page_size from the JSON
// body only, GET endpoints from the query only (as Notion documents).
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { notion } from "../../src/connectors/index.js";
import { AuthError, HttpError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, type TestServer, useLoopback } from "../support/server.js";
import { loopbackOptions, pathOf } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const TOKEN = "ntn_123456789012345678901234567890";
const DATABASE = "d9824bdc-8445-4327-be8b-5b47500af6ce";
const PAGES = Array.from({ length: 230 }, () => ({ object: "page", id: randomUUID() }));
const USERS = Array.from({ length: 120 }, () => ({ object: "user", id: randomUUID(), type: "person" }));

type Res = Parameters<Parameters<typeof serve>[0]>[1];
const error = (res: Res, status: number, code: string, message: string) =>
  json(res, status, { object: "error", status, code, message });

/** A page of `all` after `cursor` (Notion cursors are the id of the next item). */
function list(all: Array<{ id: string }>, cursor: string | undefined, pageSize: number, type: string) {
  const start = cursor === undefined ? 0 : all.findIndex((x) => x.id === cursor);
  const results = all.slice(start, start + pageSize);
  const next = all[start + pageSize];
  return {
    object: "list",
    results,
    next_cursor: next?.id ?? null,
    has_more: next !== undefined,
    type,
    [type]: {},
  };
}

function fakeNotion(): Promise<TestServer> {
  return serve((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      error(res, 401, "unauthorized", "API token is invalid.");
      return;
    }
    if (req.headers["notion-version"] !== "2022-06-28") {
      error(res, 400, "missing_version", "Notion-Version header failed validation.");
      return;
    }
    const path = pathOf(req);
    const args =
      req.method === "POST"
        ? (JSON.parse(req.body || "{}") as { start_cursor?: string; page_size?: number })
        : {
            start_cursor: req.query.get("start_cursor") ?? undefined,
            page_size: req.query.has("page_size") ? Number(req.query.get("page_size")) : undefined,
          };
    const pageSize = args.page_size ?? 100;
    if (pageSize > 100) {
      error(res, 400, "validation_error", "body.page_size should be ≤ `100`.");
      return;
    }
    if (req.method === "POST" && path === `/v1/databases/${DATABASE}/query`) {
      json(res, 200, list(PAGES, args.start_cursor, pageSize, "page_or_database"));
      return;
    }
    if (req.method === "GET" && path === "/v1/users") {
      json(res, 200, list(USERS, args.start_cursor, pageSize, "user"));
      return;
    }
    error(res, 404, "object_not_found", "Could not find the object.");
  });
}

describe("the notion connector", () => {
  it("pulls every page of a database query once, in order, with the cursor in the POST body", async () => {
    const server = await fakeNotion();
    const api = client(server.url, loopbackOptions(notion, {}, server, { token: TOKEN }));
    const filter = { property: "Done", checkbox: { equals: false } };
    const pages = await api.fetchRecords(`/databases/${DATABASE}/query`, {
      method: "POST",
      body: { filter },
    });
    expect(pages.map((p) => p.id)).toEqual(PAGES.map((p) => p.id));
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([
      { filter, page_size: 100 },
      { filter, page_size: 100, start_cursor: PAGES[100]!.id },
      { filter, page_size: 100, start_cursor: PAGES[200]!.id },
    ]);
    for (const r of server.requests) {
      expect(r.method).toBe("POST");
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.headers["notion-version"]).toBe("2022-06-28");
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.query.size).toBe(0);
    }
  });

  it("pages a GET list with the cursor in the query when told cursorIn: query", async () => {
    const server = await fakeNotion();
    const api = client(server.url, loopbackOptions(notion, {}, server, { token: TOKEN }));
    const users = await api.fetchRecords("/users", { cursorIn: "query" });
    expect(users.map((u) => u.id)).toEqual(USERS.map((u) => u.id));
    expect(
      server.requests.map((r) => [r.query.get("start_cursor"), r.query.get("page_size"), r.body]),
    ).toEqual([
      [null, "100", ""],
      [USERS[100]!.id, "100", ""],
    ]);
  });

  it("is refused with an AuthError when the token is wrong", async () => {
    const server = await fakeNotion();
    const api = client(server.url, loopbackOptions(notion, {}, server, { token: "ntn_wrong" }));
    const failure = await api
      .fetchRecords(`/databases/${DATABASE}/query`, { method: "POST" })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AuthError);
    expect((failure as AuthError).status).toBe(401);
  });

  it("sends the Notion-Version it is configured with (which this fake refuses)", async () => {
    const server = await fakeNotion();
    const options = loopbackOptions(notion, { notionVersion: "2025-09-03" }, server, { token: TOKEN });
    const failure = await client(server.url, options)
      .fetchRecords("/users", { cursorIn: "query" })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HttpError);
    expect((failure as HttpError).status).toBe(400);
    expect(server.requests[0]?.headers["notion-version"]).toBe("2025-09-03");
  });
});
