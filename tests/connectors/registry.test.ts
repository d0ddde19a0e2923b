// The connector registry and option checking: listing, case-insensitive lookup, close-match
// suggestions, duplicate names, required and unknown options; and every built-in yields a valid client config.
import { describe, expect, it } from "vitest";
import {
  BUILTIN_CONNECTORS,
  type ConnectorDefinition,
  ConnectorRegistry,
  connectors,
  defineConnector,
  editDistance,
} from "../../src/connectors/index.js";
import { ConfigError, ConnectorNotFoundError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";

const BUILTIN_NAMES = [
  "airtable",
  "github",
  "hubspot",
  "jira",
  "jsonplaceholder",
  "notion",
  "salesforce",
  "shopify",
  "stripe",
];

const REQUIRED: Record<string, Record<string, string>> = {
  shopify: { storeDomain: "mystore" },
  jira: { siteDomain: "acme" },
  salesforce: { myDomain: "acme" },
};

const DUMMY_SECRETS: Record<string, string> = {
  token: "t0ken",
  apiKey: "k3y",
  username: "user@example.com",
  password: "passw0rd",
  clientId: "client",
  clientSecret: "s3cret",
};

const FIELDS_BY_AUTH: Record<string, string[]> = {
  none: [],
  bearer: ["token"],
  apikey: ["apiKey"],
  basic: ["username", "password"],
  oauth2: ["clientId", "clientSecret"],
};

function notFound(registry: ConnectorRegistry, name: string): ConnectorNotFoundError {
  try {
    registry.get(name);
  } catch (error) {
    if (error instanceof ConnectorNotFoundError) return error;
    throw error;
  }
  throw new Error(`expected no connector named ${name}`);
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const custom = (name: string, description = "custom"): ConnectorDefinition =>
  defineConnector({
    name,
    description,
    docs: "https://example.com/docs",
    authType: "none",
    credentials: {},
    build: () => ({ baseUrl: "https://example.com", auth: { type: "none" } }),
  });

describe("the connector registry", () => {
  it("lists the built-ins sorted by name", () => {
    expect(connectors.list().map((c) => c.name)).toEqual(BUILTIN_NAMES);
  });

  it("finds a connector whatever the case", () => {
    expect(connectors.get("GitHub")).toBe(connectors.get("github"));
    expect(connectors.has("STRIPE")).toBe(true);
    expect(connectors.has("gitlab")).toBe(false);
  });

  it("suggests close matches for an unknown name", () => {
    const error = notFound(connectors, "githb");
    expect(error.connector).toBe("githb");
    expect(error.suggestions[0]).toBe("github");
    expect(error.message).toContain("Did you mean: github");
    expect(notFound(connectors, "Shopfiy").suggestions).toEqual(["shopify"]);
    expect(notFound(connectors, "hub").suggestions).toEqual(["hubspot"]);
    expect(notFound(connectors, "zzzzzzzz").suggestions).toEqual([]);
  });

  it("offers at most three suggestions, closest first", () => {
    const registry = new ConnectorRegistry(["abcd", "abce", "abcf", "abxy", "abc"].map((n) => custom(n)));
    expect(notFound(registry, "abcz").suggestions).toEqual(["abc", "abcd", "abce"]);
  });

  it("refuses a duplicate name unless asked to replace it", () => {
    const registry = new ConnectorRegistry([custom("acme")]);
    expect(configError(() => registry.register(custom("acme"))).message).toContain(
      '"acme" is already registered',
    );
    registry.register(custom("acme", "second"), { replace: true });
    expect(registry.get("acme").description).toBe("second");
    expect(registry.list()).toHaveLength(1);
  });

  it("refuses a name that is not lower-case", () => {
    expect(() => new ConnectorRegistry().register(custom("Acme"))).toThrow(ConfigError);
  });

  it("measures edit distance with adjacent swaps as one edit", () => {
    expect(editDistance("githb", "github")).toBe(1);
    expect(editDistance("gihtub", "github")).toBe(1);
    expect(editDistance("", "jira")).toBe(4);
    expect(editDistance("stripe", "stripe")).toBe(0);
  });
});

describe("connector options", () => {
  it("name a missing required option and the connector", () => {
    const error = configError(() => connectors.get("shopify").config({}));
    expect(error.message).toContain("shopify");
    expect(error.message).toContain("storeDomain");
    expect(error.issues.map((i) => i.path)).toEqual(["storeDomain"]);
  });

  it("refuse an unknown option, listing the known ones", () => {
    const error = configError(() => connectors.get("jira").config({ siteDomian: "acme" }));
    expect(error.issues.map((i) => i.path).sort()).toEqual(["siteDomain", "siteDomian"]);
    expect(error.message).toContain("known options: siteDomain");
  });

  it("apply defaults and let a given value win", () => {
    expect(connectors.get("notion").config().headers).toEqual({ "Notion-Version": "2022-06-28" });
    expect(connectors.get("notion").config({ notionVersion: "2025-09-03" }).headers).toEqual({
      "Notion-Version": "2025-09-03",
    });
  });

  it("give a fresh config each time", () => {
    const first = connectors.get("github").config();
    (first.headers as Record<string, string>).Accept = "text/plain";
    expect(connectors.get("github").config().headers).toMatchObject({
      Accept: "application/vnd.github+json",
    });
  });
});

describe("every built-in connector", () => {
  for (const connector of BUILTIN_CONNECTORS) {
    it(`${connector.name}: declares credentials matching its auth type and builds a valid client`, async () => {
      expect(connector.name).toBe(connector.name.toLowerCase());
      expect(connector.docs).toMatch(/^https:\/\//);
      expect(Object.keys(connector.credentials).sort()).toEqual(
        [...FIELDS_BY_AUTH[connector.authType]!].sort(),
      );
      for (const envVar of Object.values(connector.credentials).flat())
        expect(envVar).toMatch(/^[A-Z][A-Z0-9_]*$/);
      const config = connector.config(REQUIRED[connector.name] ?? {});
      expect(config.auth.type).toBe(connector.authType);
      for (const field of Object.keys(connector.credentials)) expect(config.auth).not.toHaveProperty(field);
      const secrets = Object.fromEntries(
        Object.keys(connector.credentials).map((f) => [f, DUMMY_SECRETS[f]]),
      );
      await using api = new Apikit({ ...config, auth: { ...config.auth, ...secrets } } as ApikitOptions);
      expect(api.config.baseUrl).toMatch(/^https:\/\//);
      expect(api.auth.type).toBe(connector.authType);
    });
  }
});
