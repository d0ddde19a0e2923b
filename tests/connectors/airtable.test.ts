// The airtable connector against a loopback Airtable: bearer token, { records, offset } pages with an
// opaque "itr.../rec..." offset token, pageSize ≤ 100 (more is a 422, as on Airtable).
import { afterEach, describe, expect, it } from "vitest";
import { airtable } from "../../src/connectors/index.js";
import { AuthError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, type TestServer, useLoopback } from "../support/server.js";
import { loopbackOptions, pathOf } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const TOKEN = "patAbCdEfGh123456.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const RECORDS = Array.from({ length: 250 }, (_, i) => ({
  id: `rec${String(i).padStart(14, "0")}`,
  createdTime: "2026-01-01T00:00:00.000Z",
  fields: { Name: `row ${i}` },
}));

function fakeAirtable(): Promise<TestServer> {
  const issued = new Map<string, number>();
  return serve((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      json(res, 401, { error: { type: "AUTHENTICATION_REQUIRED", message: "Authentication required" } });
      return;
    }
    if (pathOf(req) !== "/v0/appLkNDICXNqxSDhG/Tasks%20Table") {
      json(res, 404, { error: "NOT_FOUND" });
      return;
    }
    const pageSize = Number(req.query.get("pageSize") ?? 100);
    if (pageSize > 100) {
      json(res, 422, { error: { type: "INVALID_REQUEST_UNKNOWN", message: "pageSize must be at most 100" } });
      return;
    }
    const offset = req.query.get("offset");
    const start = offset === null ? 0 : issued.get(offset);
    if (start === undefined) {
      json(res, 422, { error: { type: "LIST_RECORDS_ITERATOR_NOT_AVAILABLE" } });
      return;
    }
    const end = start + pageSize;
    const body: Record<string, unknown> = { records: RECORDS.slice(start, end) };
    if (end < RECORDS.length) {
      const token = `itrSJ1l4jlPyxEG6c/${RECORDS[end]!.id}`;
      issued.set(token, end);
      body.offset = token;
    }
    json(res, 200, body);
  });
}

describe("the airtable connector", () => {
  it("pulls every record once, in order, passing the offset token back", async () => {
    const server = await fakeAirtable();
    const api = client(server.url, loopbackOptions(airtable, {}, server, { token: TOKEN }));
    const records = await api.fetchRecords("/appLkNDICXNqxSDhG/Tasks%20Table", {
      params: { view: "Grid view" },
    });
    expect(records.map((r) => r.id)).toEqual(RECORDS.map((r) => r.id));
    expect(server.requests.map((r) => r.query.get("offset"))).toEqual([
      null,
      `itrSJ1l4jlPyxEG6c/${RECORDS[100]!.id}`,
      `itrSJ1l4jlPyxEG6c/${RECORDS[200]!.id}`,
    ]);
    for (const r of server.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.query.get("pageSize")).toBe("100");
      expect(r.query.get("view")).toBe("Grid view");
    }
  });

  it("is refused with an AuthError when the token is wrong", async () => {
    const server = await fakeAirtable();
    const api = client(server.url, loopbackOptions(airtable, {}, server, { token: "patWrong" }));
    const error = await api.fetchRecords("/appLkNDICXNqxSDhG/Tasks%20Table").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(401);
  });
});
