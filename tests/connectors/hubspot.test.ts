// The hubspot connector against a loopback HubSpot CRM: bearer token, { results, paging.next.after }
// lists (limit ≤ 100) and the POST search endpoint with after and limit in the JSON body.
import { afterEach, describe, expect, it } from "vitest";
import { hubspot } from "../../src/connectors/index.js";
import { AuthError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, type TestServer, useLoopback } from "../support/server.js";
import { loopbackOptions, pathOf } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";
const CONTACTS = Array.from({ length: 230 }, (_, i) => ({
  id: String(51 + i * 2),
  properties: { email: `c${i}@example.com` },
  archived: false,
}));

// HubSpot's cursors are opaque base64 strings (with '=' padding that must survive the round trip).
const cursorFor = (index: number) => Buffer.from(`${index}\n`).toString("base64");
const indexOf = (after: string | undefined | null) =>
  after ? Number(Buffer.from(after, "base64").toString().trim()) : 0;

function page(start: number, limit: number, link: string) {
  const end = start + limit;
  const body: Record<string, unknown> = { results: CONTACTS.slice(start, end) };
  if (end < CONTACTS.length)
    body.paging = { next: { after: cursorFor(end), link: `${link}?after=${cursorFor(end)}` } };
  return body;
}

function fakeHubSpot(): Promise<TestServer> {
  return serve((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      json(res, 401, {
        status: "error",
        message: "Authentication credentials not found.",
        category: "INVALID_AUTHENTICATION",
      });
      return;
    }
    const path = pathOf(req);
    if (req.method === "GET" && path === "/crm/v3/objects/contacts") {
      const limit = Number(req.query.get("limit") ?? 10);
      if (limit > 100) {
        json(res, 400, {
          status: "error",
          message: "limit must be at most 100",
          category: "VALIDATION_ERROR",
        });
        return;
      }
      json(res, 200, page(indexOf(req.query.get("after")), limit, path));
      return;
    }
    if (req.method === "POST" && path === "/crm/v3/objects/contacts/search") {
      const body = JSON.parse(req.body) as { after?: string; limit?: number; filterGroups?: unknown };
      if (!Array.isArray(body.filterGroups)) {
        json(res, 400, { status: "error", message: "filterGroups missing", category: "VALIDATION_ERROR" });
        return;
      }
      json(res, 200, { total: CONTACTS.length, ...page(indexOf(body.after), body.limit ?? 10, path) });
      return;
    }
    json(res, 404, { status: "error", message: "Not found", category: "OBJECT_NOT_FOUND" });
  });
}

describe("the hubspot connector", () => {
  it("pulls every contact once, in order, passing paging.next.after as after", async () => {
    const server = await fakeHubSpot();
    const api = client(server.url, loopbackOptions(hubspot, {}, server, { token: TOKEN }));
    const contacts = await api.fetchRecords("/crm/v3/objects/contacts", { params: { properties: "email" } });
    expect(contacts.map((c) => c.id)).toEqual(CONTACTS.map((c) => c.id));
    expect(server.requests.map((r) => r.query.get("after"))).toEqual([null, cursorFor(100), cursorFor(200)]);
    for (const r of server.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.query.get("limit")).toBe("100");
      expect(r.query.get("properties")).toBe("email");
    }
  });

  it("pages the POST search with after and limit in the JSON body", async () => {
    const server = await fakeHubSpot();
    const api = client(server.url, loopbackOptions(hubspot, {}, server, { token: TOKEN }));
    const filterGroups = [{ filters: [{ propertyName: "email", operator: "CONTAINS_TOKEN", value: "*" }] }];
    const contacts = await api.fetchRecords("/crm/v3/objects/contacts/search", {
      method: "POST",
      body: { filterGroups },
      cursorIn: "body",
    });
    expect(contacts.map((c) => c.id)).toEqual(CONTACTS.map((c) => c.id));
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([
      { filterGroups, limit: 100 },
      { filterGroups, limit: 100, after: cursorFor(100) },
      { filterGroups, limit: 100, after: cursorFor(200) },
    ]);
  });

  it("is refused with an AuthError when the token is wrong", async () => {
    const server = await fakeHubSpot();
    const api = client(server.url, loopbackOptions(hubspot, {}, server, { token: "pat-wrong" }));
    const error = await api.fetchRecords("/crm/v3/objects/contacts").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(401);
  });
});
