// OAuth2 client credentials against a real OAuth2 server on loopback (oauth2-mock-server) and a
// loopback API that accepts only the tokens that server issued.
import { randomUUID } from "node:crypto";
import { Events, OAuth2Server } from "oauth2-mock-server";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OAuth2ClientCredentials } from "../../src/auth/index.js";
import { AuthError, ConfigError, HttpError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { createDispatcher } from "../../src/http/index.js";
import { json, useLoopback } from "../support/server.js";

const oauth = new OAuth2Server();
let tokenUrl: string;
/** Every token request's form body and Authorization header, and every token issued. */
let tokenRequests: Array<{ body: Record<string, string>; authorization: string | undefined }> = [];
let issued: string[] = [];
let revoked = new Set<string>();

beforeAll(async () => {
  await oauth.issuer.keys.generate("RS256");
  await oauth.start(0, "127.0.0.1");
  tokenUrl = `${oauth.issuer.url}/token`;
  // Tokens issued within one second would otherwise be identical JWTs.
  oauth.service.on(Events.BeforeTokenSigning, (token) => {
    token.payload.jti = randomUUID();
  });
  oauth.service.on(Events.BeforeResponse, (response, req) => {
    tokenRequests.push({
      body: req.body as Record<string, string>,
      authorization: req.headers.authorization,
    });
    const token = (response.body as { access_token?: string }).access_token;
    if (token) issued.push(token);
  });
});
afterAll(() => oauth.stop());

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));
afterEach(() => {
  tokenRequests = [];
  issued = [];
  revoked = new Set();
});

/** An API that answers 200 only to a live token the OAuth2 server issued. */
async function protectedApi(extra?: (token: string) => void) {
  return serve((req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (!issued.includes(token) || revoked.has(token)) return json(res, 401, { error: "invalid_token" });
    extra?.(token);
    json(res, 200, { ok: true, path: req.url });
  });
}

const oauthOptions = (extra: Partial<ApikitOptions> = {}): Partial<ApikitOptions> => ({
  auth: "oauth2",
  clientId: "my-client",
  clientSecret: "very-secret-client-secret",
  tokenUrl,
  ...extra,
});

describe("oauth2 client credentials", () => {
  it("posts the form (client_secret_post) and shares one token among concurrent requests", async () => {
    const api = await protectedApi();
    const c = client(api.url, oauthOptions({ scopes: ["read", "write"], audience: "https://api.example" }));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => c.get(`/items/${i}`)));
    expect(results).toHaveLength(20);
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]?.body).toEqual({
      grant_type: "client_credentials",
      scope: "read write",
      audience: "https://api.example",
      client_id: "my-client",
      client_secret: "very-secret-client-secret",
    });
    expect(tokenRequests[0]?.authorization).toBeUndefined();
    expect(new Set(api.requests.map((r) => r.headers.authorization))).toEqual(
      new Set([`Bearer ${issued[0]}`]),
    );
  });

  it("authenticates with client_secret_basic when asked", async () => {
    const api = await protectedApi();
    await client(api.url, oauthOptions({ clientAuth: "client_secret_basic" })).get("/x");
    expect(tokenRequests[0]?.authorization).toBe(
      `Basic ${Buffer.from("my-client:very-secret-client-secret").toString("base64")}`,
    );
    expect(tokenRequests[0]?.body).toEqual({ grant_type: "client_credentials" });
  });

  it("renews the token 30 s before it expires, once for many requests", async () => {
    const api = await protectedApi();
    let now = 1_000_000;
    oauth.service.once(Events.BeforeResponse, (response) => {
      (response.body as Record<string, unknown>).expires_in = 100;
    });
    const auth = new OAuth2ClientCredentials({
      clientId: "c",
      clientSecret: "s3cret-value",
      tokenUrl,
      now: () => now,
    });
    const dispatcher = createDispatcher({ baseUrl: api.url, auth });
    const get = async () => (await request(`${api.url}/x`, { dispatcher })).statusCode;
    expect(await get()).toBe(200);
    now += 69_000; // 31 s left: still good
    expect(await get()).toBe(200);
    expect(tokenRequests).toHaveLength(1);
    now += 2_000; // 29 s left: renew, once, for ten concurrent requests
    expect(await Promise.all(Array.from({ length: 10 }, get))).toEqual(Array(10).fill(200));
    expect(tokenRequests).toHaveLength(2);
    expect(new Set(api.requests.slice(2).map((r) => r.headers.authorization))).toEqual(
      new Set([`Bearer ${issued[1]}`]),
    );
    await dispatcher.close();
  });

  it("on a 401 renews once and retries once, a single renewal for concurrent 401s", async () => {
    const api = await protectedApi();
    // All eight at once: the client's request budget must not serialise them.
    const c = client(api.url, oauthOptions({ concurrency: 8 }));
    await c.get("/warm");
    revoked.add(issued[0]!);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => c.get<{ ok: boolean }>(`/after/${i}`)),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(tokenRequests).toHaveLength(2);
    // 1 warm-up + 8 refused + 8 retried with the new token.
    expect(api.requests).toHaveLength(17);
    const used = api.requests.map((r) => r.headers.authorization);
    expect(used.filter((a) => a === `Bearer ${issued[0]}`)).toHaveLength(9);
    expect(used.filter((a) => a === `Bearer ${issued[1]}`)).toHaveLength(8);
  });

  it("gives up with AuthError when the renewed token is refused too", async () => {
    const api = await serve((_req, res) => json(res, 401, { error: "invalid_token" }));
    const error = await client(api.url, oauthOptions())
      .get("/never")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(401);
    expect(api.requests).toHaveLength(2);
    expect(tokenRequests).toHaveLength(2);
  });

  it("a token endpoint failure is an AuthError with the OAuth error and description, secrets redacted", async () => {
    oauth.service.once(Events.BeforeResponse, (response) => {
      response.statusCode = 401;
      response.body = { error: "invalid_client", error_description: "unknown client my-client" };
    });
    const api = await protectedApi();
    const error = (await client(api.url, oauthOptions())
      .get("/x")
      .catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.oauthError).toBe("invalid_client");
    expect(error.oauthErrorDescription).toBe("unknown client my-client");
    expect(error.message).toContain("OAuth2 token request to");
    expect(error.message).toContain("invalid_client (unknown client my-client)");
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain("very-secret-client-secret");
    expect(api.requests).toHaveLength(0);
  });

  it("scrubs the access token from error bodies", async () => {
    const api = await serve((req, res) => json(res, 500, { echo: req.headers.authorization }));
    const error = (await client(api.url, oauthOptions({ maxRetries: 0 }))
      .get("/x")
      .catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(issued).toHaveLength(1);
    expect(error.bodyExcerpt).not.toContain(issued[0]!);
    expect(error.message).not.toContain(issued[0]!);
  });

  it("sends API requests to the token's instance_url when asked (Salesforce)", async () => {
    const instance = await protectedApi();
    oauth.service.on(Events.BeforeResponse, function addInstance(response) {
      (response.body as Record<string, unknown>).instance_url = instance.url;
      oauth.service.off(Events.BeforeResponse, addInstance);
    });
    const c = client("https://login.example.invalid/services/data/v62.0", {
      auth: {
        type: "oauth2",
        clientId: "c",
        clientSecret: "s3cret-value",
        tokenUrl,
        instanceUrlFromToken: true,
      },
    });
    const body = await c.get<{ path: string }>("/query");
    expect(body.path).toBe("/services/data/v62.0/query");
    expect(instance.requests).toHaveLength(1);
  });

  it("a dry run shows a placeholder and requests no token", async () => {
    const api = await protectedApi();
    const result = await client(api.url, oauthOptions()).fetchRecords("/items", { dryRun: true });
    expect(result.headers.authorization).toMatch(/^Bearer \[REDACTED\]/);
    expect(tokenRequests).toHaveLength(0);
    expect(api.requests).toHaveLength(0);
  });

  it("a failing token request during a pull rejects the pull, with nothing left unhandled", async () => {
    oauth.service.once(Events.BeforeResponse, (response) => {
      response.statusCode = 400;
      response.body = { error: "invalid_client" };
    });
    const api = await protectedApi();
    await expect(client(api.url, oauthOptions()).fetchRecords("/items")).rejects.toThrow(AuthError);
  });

  it("names each missing field", () => {
    const make = (auth: Record<string, unknown>) => () =>
      new Apikit({ baseUrl: "http://127.0.0.1:1", auth: { type: "oauth2", ...auth } as never });
    expect(make({ clientSecret: "s", tokenUrl })).toThrow(ConfigError);
    expect(make({ clientSecret: "s", tokenUrl })).toThrow(/clientId/);
    expect(make({ clientId: "c", tokenUrl })).toThrow(/clientSecret/);
    expect(make({ clientId: "c", clientSecret: "s" })).toThrow(/tokenUrl/);
    expect(() => new Apikit({ baseUrl: "http://127.0.0.1:1", clientId: "c", clientSecret: "s" })).toThrow(
      /tokenUrl/,
    );
  });
});
