// `token` for every built-in connector, as iki-apikit's from_name(name, token=...) takes it: shopify's
// X-Shopify-Access-Token, jira's "email:api_token" as basic auth, salesforce's access token as a
// bearer token with no token request; and a missing secret named with its option and env var. Real
// loopback servers, real temp folders.
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { Apikit, type FromNameOptions } from "../../src/facade/index.js";
import { json, type TestServer, useLoopback } from "../support/server.js";
import { basic, useFromName } from "./support.js";

const { serve } = useLoopback(afterEach, (o: { baseUrl: string }) => new Apikit(o));
const named = useFromName(afterEach);

async function refused(name: string, options: FromNameOptions): Promise<ConfigError> {
  const error = await named(name, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

/** An API answering every request with the auth headers it got. */
function echo(): Promise<TestServer> {
  return serve((req, res) =>
    json(res, 200, {
      done: true,
      records: [
        {
          authorization: req.headers.authorization ?? null,
          shopify: req.headers["x-shopify-access-token"] ?? null,
        },
      ],
    }),
  );
}

async function firstRecord(client: Apikit, path: string): Promise<Record<string, unknown>> {
  const [record] = await client.fetchRecords(path, { paginate: false, dataPath: "records" });
  return record as Record<string, unknown>;
}

describe("shopify with token", () => {
  it("sends the token as X-Shopify-Access-Token, with storeDomain as an option", async () => {
    const api = await echo();
    const client = await named("shopify", {
      token: "shpat_token_1234",
      options: { storeDomain: "mystore" },
      baseUrl: `${api.url}/admin/api/2026-07`,
    });
    expect(await firstRecord(client, "/products.json")).toEqual({
      authorization: null,
      shopify: "shpat_token_1234",
    });
    expect(api.requests[0]?.url).toBe("/admin/api/2026-07/products.json");
  });

  it("builds the store's URL from storeDomain when no baseUrl is given", async () => {
    const client = await named("shopify", { token: "shpat_1", options: { storeDomain: "mystore" } });
    expect(client.config.baseUrl).toBe("https://mystore.myshopify.com/admin/api/2026-07");
    expect(client.config.auth).toMatchObject({ type: "apikey", header: "X-Shopify-Access-Token" });
  });
});

describe("jira with token", () => {
  it('splits "email:api_token" at the first ":" into basic auth', async () => {
    const api = await echo();
    const client = await named("jira", {
      token: "me@example.test:ATATT3x:with:colons",
      baseUrl: `${api.url}/rest/api/3`,
    });
    const record = await firstRecord(client, "/myself");
    expect(record.authorization).toBe(basic("me@example.test", "ATATT3x:with:colons"));
    const decoded = Buffer.from(String(record.authorization).replace(/^Basic /, ""), "base64").toString();
    expect(decoded).toBe("me@example.test:ATATT3x:with:colons");
  });

  it("takes a bare token as the API token, with the email from username or JIRA_EMAIL", async () => {
    const api = await echo();
    const fromOption = await named("jira", {
      token: "api-token-1",
      username: "opt@example.test",
      baseUrl: api.url,
    });
    expect((await firstRecord(fromOption, "/myself")).authorization).toBe(
      basic("opt@example.test", "api-token-1"),
    );
    const fromEnv = await named("jira", {
      token: "api-token-2",
      env: { JIRA_EMAIL: "env@example.test" },
      options: { siteDomain: "acme" },
    });
    expect(fromEnv.config.baseUrl).toBe("https://acme.atlassian.net/rest/api/3");
    expect(fromEnv.config.auth).toMatchObject({
      type: "basic",
      username: "env@example.test",
      password: "api-token-2",
    });
  });

  it("says a bare token lacks its email when no username is found, never showing the token", async () => {
    const error = await refused("jira", { token: "bare-api-token-9876", options: { siteDomain: "acme" } });
    expect(error.message).toMatch(/^the jira connector needs a username to go with its token/);
    expect(error.message).toContain('"username:token"');
    expect(error.message).toContain("pass { username } or set JIRA_EMAIL");
    expect(error.message).toContain(
      "jira username is missing: looked in an environment variable (JIRA_EMAIL",
    );
    expect(error.issues.map((i) => i.path)).toEqual(["auth.username"]);
    expect(error.message).not.toContain("bare-api-token-9876");
  });

  it("refuses a token with an empty half, never showing it", async () => {
    const empty = await refused("jira", { token: ":secret-half", options: { siteDomain: "acme" } });
    expect(empty.message).toContain('"username:token" has an empty username part');
    expect(empty.message).not.toContain("secret-half");
    const noToken = await refused("jira", { token: "me@example.test:", options: { siteDomain: "acme" } });
    expect(noToken.message).toContain("has an empty token part");
  });
});

describe("salesforce with token", () => {
  it("sends an access token as a bearer token to the baseUrl, with no token request", async () => {
    const api = await echo();
    const client = await named("salesforce", { token: "00Dxx!access.token", baseUrl: api.url });
    expect((await firstRecord(client, "/query")).authorization).toBe("Bearer 00Dxx!access.token");
    expect(api.requests.map((r) => r.url)).toEqual(["/query"]);
    expect(client.config.auth).toEqual({ type: "bearer", token: "00Dxx!access.token" });
  });

  it("builds the baseUrl from myDomain and needs neither tokenUrl nor client credentials", async () => {
    const client = await named("salesforce", { token: "sf-access", options: { myDomain: "acme" } });
    expect(client.config.baseUrl).toBe("https://acme.my.salesforce.com/services/data/v62.0");
    expect(client.config.auth.type).toBe("bearer");
    const noDomain = await refused("salesforce", { token: "sf-access" });
    expect(noDomain.message).toContain("needs the option myDomain");
    expect(noDomain.message).toContain("(or give baseUrl)");
  });
});

describe("a token given with another credential", () => {
  const conflicts: Array<[string, FromNameOptions, string]> = [
    [
      "shopify",
      { token: "shpat_one_1111", apiKey: "shpat_two_2222", options: { storeDomain: "mystore" } },
      "token and apiKey were both given and differ",
    ],
    [
      "jira",
      { token: "a@example.test:tok_3333", username: "b@example.test", options: { siteDomain: "acme" } },
      "token and username were both given and differ",
    ],
    [
      "salesforce",
      { token: "sf_access_4444", clientId: "cid_5555", options: { myDomain: "acme" } },
      "pass either token (an access token already obtained) or clientId, not both",
    ],
  ];
  for (const [name, options, message] of conflicts) {
    it(`is refused for ${name}, naming token and printing no value`, async () => {
      const error = await refused(name, options);
      expect(error.issues.map((i) => i.path)).toEqual(["token"]);
      expect(error.message).toContain(message);
      expect(error.message).not.toMatch(/_\d{4}/);
    });
  }
});

describe("a missing secret", () => {
  it("is named with the option to pass and the env var to set", async () => {
    const shop = await refused("shopify", { options: { storeDomain: "mystore" } });
    expect(shop.message.split("\n")[0]).toBe(
      "the shopify connector needs a token: pass { token } or set SHOPIFY_ACCESS_TOKEN",
    );
    expect(shop.message).toContain("shopify apiKey is missing: looked in an environment variable");
    const gh = await refused("github", {});
    expect(gh.message.split("\n")[0]).toBe(
      "the github connector needs a token: pass { token } or set GITHUB_TOKEN",
    );
    const stripe = await refused("stripe", {});
    expect(stripe.message.split("\n")[0]).toBe(
      "the stripe connector needs a token: pass { token } or set STRIPE_TOKEN or STRIPE_API_KEY",
    );
    const jira = await refused("jira", { options: { siteDomain: "acme" } });
    expect(jira.message.split("\n")[0]).toBe(
      'the jira connector needs a token: pass { token: "username:token" } (or { token, username }) or set JIRA_API_TOKEN and JIRA_EMAIL',
    );
    const sf = await refused("salesforce", { options: { myDomain: "acme" } });
    expect(sf.message.split("\n")[0]).toBe(
      "the salesforce connector needs a clientId: pass { clientId } or set SALESFORCE_CLIENT_ID (or pass { token }: an access token already obtained)",
    );
    expect(sf.issues.map((i) => i.path)).toEqual(["auth.clientId"]);
  });

  it("is not asked for by a connector without auth, which refuses a token", async () => {
    const client = await named("jsonplaceholder", {});
    expect(client.config.auth).toEqual({ type: "none" });
    const error = await refused("jsonplaceholder", { token: "t" });
    expect(error.message).toContain("the jsonplaceholder connector takes no token");
  });
});
