import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, HttpError, NotFoundError, RecordValidationError } from "../../src/errors.js";
import { Apikit, type ApikitOptions, DryRunResult } from "../../src/facade/index.js";
import { json, makeRecords, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const echo = () =>
  serve((req, res) => {
    if (req.url.startsWith("/empty")) {
      res.writeHead(204);
      res.end();
      return;
    }
    if (req.url.startsWith("/missing")) return json(res, 404, { message: "no such thing" });
    json(res, 200, {
      method: req.method,
      url: req.url,
      body: req.body ? JSON.parse(req.body) : null,
      auth: req.headers.authorization ?? null,
    });
  });

describe("construction", () => {
  it("lists every invalid option with its path in one ConfigError", () => {
    const error = (() => {
      try {
        new Apikit({ baseUrl: "not a url", timeout: -1, pagination: { strategy: "sideways" as never } });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    const paths = error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["baseUrl", "timeout", "pagination.strategy"]));
  });

  it("says which field bearer auth is missing", () => {
    expect(() => new Apikit({ baseUrl: "https://api.test", auth: "bearer" })).toThrow(/auth\.token/);
  });

  it("drops trailing slashes of baseUrl but keeps its path", async () => {
    const server = await echo();
    const api = client(`${server.url}/api/v2///`);
    expect(api.config.baseUrl).toBe(`${server.url}/api/v2`);
    expect(((await api.get("/users")) as { url: string }).url).toBe("/api/v2/users");
  });

  it("builds a client from a config object", async () => {
    const server = await echo();
    await using api = Apikit.fromConfig({ baseUrl: server.url, auth: { type: "bearer", token: "t-1" } });
    expect(((await api.get("/x")) as { auth: string }).auth).toBe("Bearer t-1");
  });
});

describe("single requests", () => {
  it("sends each verb with its JSON body and params", async () => {
    const server = await echo();
    const api = client(server.url);
    expect(await api.post("/a", { body: { x: 1 }, params: { dry: true } })).toMatchObject({
      method: "POST",
      url: "/a?dry=true",
      body: { x: 1 },
    });
    expect(await api.put("/a", { body: { x: 2 } })).toMatchObject({ method: "PUT", body: { x: 2 } });
    expect(await api.patch("/a", { body: { x: 3 } })).toMatchObject({ method: "PATCH", body: { x: 3 } });
    expect(await api.delete("/a")).toMatchObject({ method: "DELETE", body: null });
  });

  it("returns null for a 204", async () => {
    const server = await echo();
    expect(await client(server.url).delete("/empty")).toBeNull();
  });

  it("returns status, headers, data and url from request()", async () => {
    const server = await echo();
    const response = await client(server.url).request("GET", "/r");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(response.url).toBe(`${server.url}/r`);
  });

  it("raises NotFoundError for a 404, with status, method and URL", async () => {
    const server = await echo();
    const error = (await client(server.url)
      .get("/missing")
      .catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.code).toBe("NOT_FOUND");
    expect(error.method).toBe("GET");
    expect(error.url).toBe(`${server.url}/missing`);
  });
});

describe("record operations", () => {
  const nested = [
    { id: 1, owner: { login: "ada", email: "a@x" }, secret: "s", score: 3 },
    { id: 2, owner: { login: "bob", email: "b@x" }, secret: "t", score: 8 },
  ];

  it("selects dot paths keeping their nesting", async () => {
    const server = await serve((_req, res) => json(res, 200, nested));
    const records = await client(server.url).fetchRecords("/x", { select: ["id", "owner.login"] });
    expect(records).toEqual([
      { id: 1, owner: { login: "ada" } },
      { id: 2, owner: { login: "bob" } },
    ]);
  });

  it("excludes, renames and transforms in that order; an object emptied by a rename goes with it", async () => {
    const server = await serve((_req, res) => json(res, 200, nested));
    const records = await client(server.url).fetchRecords("/x", {
      exclude: ["secret", "owner.email"],
      rename: { "owner.login": "user" },
      transform: (r) => ({ ...r, double: (r.score as number) * 2 }),
    });
    expect(records[0]).toEqual({ id: 1, user: "ada", score: 3, double: 6 });
  });

  it("drops records for which transform returns undefined", async () => {
    const server = await serve((_req, res) => json(res, 200, nested));
    const records = await client(server.url).fetchRecords("/x", {
      transform: (r) => ((r.score as number) > 5 ? r : undefined),
    });
    expect(records.map((r) => r.id)).toEqual([2]);
  });

  const Schema = z.object({ id: z.number(), name: z.string() });
  const mixed = [
    { id: 1, name: "ok" },
    { id: "two", name: "bad" },
    { id: 3, name: "ok too" },
  ];

  it("raises RecordValidationError for an invalid record by default", async () => {
    const server = await serve((_req, res) => json(res, 200, mixed));
    const error = (await client(server.url)
      .fetchRecords("/x", { schema: Schema })
      .catch((e: unknown) => e)) as RecordValidationError;
    expect(error).toBeInstanceOf(RecordValidationError);
    expect(error.index).toBe(1);
    expect(error.issues[0]?.path).toBe("id");
  });

  it("skips invalid records with onInvalid skip", async () => {
    const server = await serve((_req, res) => json(res, 200, mixed));
    const records = await client(server.url).fetchRecords("/x", { schema: Schema, onInvalid: "skip" });
    expect(records.map((r) => r.id)).toEqual([1, 3]);
  });

  it("collects invalid records with their errors with onInvalid collect", async () => {
    const server = await serve((_req, res) => json(res, 200, mixed));
    const result = await client(server.url).fetchRecords("/x", { schema: Schema, onInvalid: "collect" });
    expect(result.records.map((r) => r.id)).toEqual([1, 3]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ index: 1, record: { id: "two" } });
  });
});

describe("fetchMany", () => {
  it("fetches labelled listings with at most `concurrency` in flight", async () => {
    const server = await serve(async (req, res) => {
      await new Promise((r) => setTimeout(r, 30));
      json(res, 200, makeRecords(3, Number(req.url.split("/")[2]) * 10));
    });
    const spec = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`l${i}`, `/list/${i}`]));
    const results = await client(server.url).fetchMany(spec, { concurrency: 2 });
    expect(Object.keys(results)).toEqual(Object.keys(spec));
    expect(results.l3?.map((r) => r.id)).toEqual([30, 31, 32]);
    expect(server.maxInFlight).toBe(2);
  });

  it("skips, empties or raises on failure as asked", async () => {
    const server = await serve((req, res) =>
      req.url === "/bad" ? json(res, 400, {}) : json(res, 200, [{ id: 1 }]),
    );
    const api = client(server.url);
    expect(Object.keys(await api.fetchMany({ a: "/good", b: "/bad" }, { onError: "skip" }))).toEqual(["a"]);
    expect((await api.fetchMany({ a: "/good", b: "/bad" }, { onError: "empty" })).b).toEqual([]);
    await expect(api.fetchMany({ a: "/good", b: "/bad" })).rejects.toBeInstanceOf(HttpError);
  });
});

describe("dry run", () => {
  it("describes the request, redacts secrets and sends nothing", async () => {
    const server = await echo();
    const api = client(server.url, {
      auth: { type: "apikey", apiKey: "super-secret-key", queryParam: "api_key" },
    });
    const result = await api.fetchRecords("/items", {
      dryRun: true,
      strategy: "offset",
      pageSize: 25,
      params: { q: "x" },
    });
    expect(result).toBeInstanceOf(DryRunResult);
    expect(result.method).toBe("GET");
    expect(result.authType).toBe("apikey");
    expect(result.params).toMatchObject({ q: "x", offset: "0", limit: "25" });
    expect(JSON.stringify(result.toJSON())).not.toContain("super-secret-key");
    expect(result.url).toContain("api_key=");
    expect(server.requests).toHaveLength(0);
  });

  it("redacts the Authorization header of a bearer client", async () => {
    const api = client("https://api.test", { token: "tok-very-secret" });
    const result = await api.get<DryRunResult>("/x", { dryRun: true });
    expect(result.headers.authorization).toBe("Bearer [REDACTED]");
    expect(result.toString()).not.toContain("tok-very-secret");
  });
});

describe("hooks and lifecycle", () => {
  it("reports each page to onPage with counts", async () => {
    const server = await serve((req, res) => {
      const offset = Number(req.query.get("offset"));
      json(res, 200, makeRecords(Math.max(0, Math.min(10, 25 - offset)), offset + 1));
    });
    const pages: Array<{ index: number; records: number; totalRecords: number }> = [];
    const api = client(server.url, { hooks: { onPage: async (e) => void pages.push(e) } });
    await api.fetchRecords("/x", { strategy: "offset", pageSize: 10 });
    expect(pages.map((p) => [p.index, p.records, p.totalRecords])).toEqual([
      [0, 10, 10],
      [1, 10, 20],
      [2, 5, 25],
      [3, 0, 25],
    ]);
  });

  it("closes its connections with await using", async () => {
    const server = await echo();
    {
      await using api = new Apikit({ baseUrl: server.url });
      await api.get("/x");
    }
    expect(server.requests).toHaveLength(1);
  });
});
