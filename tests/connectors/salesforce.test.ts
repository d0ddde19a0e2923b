// The salesforce connector against two loopback servers: the org's My Domain answering the OAuth2
// client-credentials token POST, and the instance (its instance_url) serving SOQL queries that page
// through relative nextRecordsUrl locators until done, in batches set by Sforce-Query-Options.
import { afterEach, describe, expect, it } from "vitest";
import { salesforce } from "../../src/connectors/index.js";
import { AuthError, ConfigError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, type TestServer, useLoopback } from "../support/server.js";
import { loopbackOptions, pathOf } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const CLIENT_ID = "3MVG9example.consumer.key";
const CLIENT_SECRET = "8A4BE698BCA216718ECB0B1DCA294C69";
const ACCESS_TOKEN = "00DS7000000oxzo!AR8AQPXAhJNveaXDdPzbrtXqPykdVxBxtbLycpiy";
const VERSION = "/services/data/v62.0";
const ACCOUNTS = Array.from({ length: 500 }, (_, i) => ({
  attributes: { type: "Account", url: `${VERSION}/sobjects/Account/001${String(i).padStart(15, "0")}` },
  Id: `001${String(i).padStart(15, "0")}`,
  Name: `Account ${i}`,
}));

/** My Domain: only the token endpoint. */
function fakeMyDomain(instance: () => string): Promise<TestServer> {
  return serve((req, res) => {
    const form = new URLSearchParams(req.body);
    if (req.method !== "POST" || pathOf(req) !== "/services/oauth2/token") {
      json(res, 404, [{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }]);
      return;
    }
    if (
      form.get("grant_type") !== "client_credentials" ||
      form.get("client_id") !== CLIENT_ID ||
      form.get("client_secret") !== CLIENT_SECRET
    ) {
      json(res, 400, { error: "invalid_client", error_description: "invalid client credentials" });
      return;
    }
    json(res, 200, {
      access_token: ACCESS_TOKEN,
      signature: "nUFHwtfIGLKDTHcLWmDBG8frv0t+HQGl/iCZFIQUarE=",
      instance_url: instance(),
      id: "https://login.salesforce.com/id/00Dd000000XXXXXXX/005d000000XXXXX",
      token_type: "Bearer",
      issued_at: String(Date.now()),
      expires_in: 7200,
    });
  });
}

/** The instance: SOQL query + query-more locators, batch size from Sforce-Query-Options (200..2000). */
function fakeInstance(): Promise<TestServer> {
  const locators = new Map<string, number>();
  return serve((req, res) => {
    if (req.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
      json(res, 401, [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]);
      return;
    }
    const option = /batchSize=(\d+)/i.exec(String(req.headers["sforce-query-options"] ?? ""));
    const batch = Math.min(2000, Math.max(200, Number(option?.[1] ?? 2000)));
    const path = pathOf(req);
    let start: number | undefined;
    if (path === `${VERSION}/query`)
      start = req.query.get("q") === "SELECT Id, Name FROM Account" ? 0 : undefined;
    else if (path.startsWith(`${VERSION}/query/`))
      start = locators.get(path.slice(`${VERSION}/query/`.length));
    if (start === undefined) {
      json(res, 400, [{ message: "invalid query locator", errorCode: "INVALID_QUERY_LOCATOR" }]);
      return;
    }
    const end = start + batch;
    const done = end >= ACCOUNTS.length;
    const body: Record<string, unknown> = {
      totalSize: ACCOUNTS.length,
      done,
      records: ACCOUNTS.slice(start, end),
    };
    if (!done) {
      const locator = `01gRO0000016PIAYA2-${end}`;
      locators.set(locator, end);
      body.nextRecordsUrl = `${VERSION}/query/${locator}`;
    }
    json(res, 200, body);
  });
}

async function setup(secret = CLIENT_SECRET) {
  const instance = await fakeInstance();
  const myDomain = await fakeMyDomain(() => instance.origin);
  const options = loopbackOptions(salesforce, { myDomain: "acme" }, myDomain, {
    clientId: CLIENT_ID,
    clientSecret: secret,
  });
  const auth = options.auth as Record<string, unknown>;
  auth.tokenUrl = `${myDomain.origin}${new URL(String(auth.tokenUrl)).pathname}`;
  return { instance, myDomain, api: client(options.baseUrl, options) };
}

describe("the salesforce connector", () => {
  it("gets a token, then pulls every record once, in order, following nextRecordsUrl until done", async () => {
    const { instance, myDomain, api } = await setup();
    const accounts = await api.fetchRecords("/query", {
      params: { q: "SELECT Id, Name FROM Account" },
      headers: { "Sforce-Query-Options": "batchSize=200" },
    });
    expect(accounts.map((a) => a.Id)).toEqual(ACCOUNTS.map((a) => a.Id));
    expect(myDomain.requests.map((r) => [r.method, pathOf(r)])).toEqual([["POST", "/services/oauth2/token"]]);
    expect(myDomain.requests[0]?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(instance.requests.map(pathOf)).toEqual([
      `${VERSION}/query`,
      `${VERSION}/query/01gRO0000016PIAYA2-200`,
      `${VERSION}/query/01gRO0000016PIAYA2-400`,
    ]);
    for (const r of instance.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
      expect(r.headers["sforce-query-options"]).toBe("batchSize=200");
    }
  });

  it("fails with the OAuth error when the client secret is wrong, never calling the API", async () => {
    const { instance, api } = await setup("wrong-secret");
    const error = await api
      .get("/query", { params: { q: "SELECT Id, Name FROM Account" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).oauthError).toBe("invalid_client");
    expect(instance.requests).toHaveLength(0);
  });

  it("builds the token and API URLs from My Domain and the API version", () => {
    const config = salesforce.config({ myDomain: "acme", apiVersion: "63.0" });
    expect(config.baseUrl).toBe("https://acme.my.salesforce.com/services/data/v63.0");
    expect(config.auth).toMatchObject({
      type: "oauth2",
      tokenUrl: "https://acme.my.salesforce.com/services/oauth2/token",
      instanceUrlFromToken: true,
    });
    expect(salesforce.config({ myDomain: "acme--dev.sandbox.my.salesforce.com" }).baseUrl).toBe(
      "https://acme--dev.sandbox.my.salesforce.com/services/data/v62.0",
    );
    expect(() => salesforce.config({})).toThrow(ConfigError);
  });
});
