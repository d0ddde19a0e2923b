// What each built-in connector needs (required options, and secrets with their env vars, under the
// names fromName takes), from connectorNeeds() and as `apikit connectors` prints it (the built binary,
// as tests/cli runs it: build first).
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connectorNeeds, connectors } from "../../src/connectors/index.js";
import { runApikit } from "../support/cli.js";

describe("connectorNeeds", () => {
  it("lists required options and the secret token fills, with env vars", () => {
    expect(connectorNeeds(connectors.get("shopify"))).toEqual([
      { name: "storeDomain", kind: "option", env: [], note: "unless baseUrl is given" },
      { name: "token", kind: "secret", env: ["SHOPIFY_ACCESS_TOKEN"] },
    ]);
    expect(connectorNeeds(connectors.get("stripe"))).toEqual([
      { name: "token", kind: "secret", env: ["STRIPE_TOKEN", "STRIPE_API_KEY"] },
    ]);
    expect(connectorNeeds(connectors.get("jsonplaceholder"))).toEqual([]);
  });

  it("names jira's password \"token\" and its email username, and salesforce's token as the alternative", () => {
    expect(connectorNeeds(connectors.get("jira")).map((n) => [n.name, n.kind, n.env])).toEqual([
      ["siteDomain", "option", []],
      ["token", "secret", ["JIRA_API_TOKEN"]],
      ["username", "secret", ["JIRA_EMAIL"]],
    ]);
    const salesforce = connectorNeeds(connectors.get("salesforce"));
    expect(salesforce.map((n) => [n.name, n.env])).toEqual([
      ["myDomain", []],
      ["clientId", ["SALESFORCE_CLIENT_ID"]],
      ["clientSecret", ["SALESFORCE_CLIENT_SECRET"]],
      ["token", []],
    ]);
    expect(salesforce[0]?.note).toBe("unless baseUrl and tokenUrl are given");
    expect(salesforce[3]?.note).toContain("instead of clientId and clientSecret");
  });
});

describe("apikit connectors", () => {
  it("prints each connector's auth, pagination, required options and secrets with env vars", async () => {
    const home = await mkdtemp(join(tmpdir(), "apikit-home-"));
    const env = { HOME: home, APIKIT_CONFIG_PATH: join(home, "config.toml") };
    const run = await runApikit(["connectors"], { env });
    expect(run.code).toBe(0);
    const line = (name: string) => run.stdout.split("\n").find((l) => l.startsWith(`${name} `)) ?? "";
    expect(line("shopify")).toMatch(
      /^shopify\s+built-in\s+apikey\s+link\s+needs: storeDomain \(option, unless baseUrl is given\), token \(SHOPIFY_ACCESS_TOKEN\)$/,
    );
    expect(line("github")).toMatch(/^github\s+built-in\s+bearer\s+link\s+needs: token \(GITHUB_TOKEN\)$/);
    expect(line("stripe")).toContain("needs: token (STRIPE_TOKEN or STRIPE_API_KEY)");
    expect(line("jira")).toContain(
      'needs: siteDomain (option, unless baseUrl is given), token (JIRA_API_TOKEN, or "username:token" in one), username (JIRA_EMAIL, unless the token is "username:token")',
    );
    expect(line("salesforce")).toContain(
      "needs: myDomain (option, unless baseUrl and tokenUrl are given), clientId (SALESFORCE_CLIENT_ID), clientSecret (SALESFORCE_CLIENT_SECRET), token (instead of clientId and clientSecret",
    );
    expect(line("jsonplaceholder")).toMatch(/^jsonplaceholder\s+built-in\s+none\s+none\s+needs: nothing$/);
    // The description follows on its own, indented line.
    const lines = run.stdout.split("\n");
    expect(lines[lines.indexOf(line("shopify")) + 1]).toMatch(/^\s+Shopify REST Admin API/);

    const machine = await runApikit(["connectors", "--json"], { env });
    const parsed = JSON.parse(machine.stdout) as Array<{ name: string; needs: unknown[] }>;
    expect(parsed.find((c) => c.name === "shopify")?.needs).toEqual([
      { name: "storeDomain", kind: "option", env: [], note: "unless baseUrl is given" },
      { name: "token", kind: "secret", env: ["SHOPIFY_ACCESS_TOKEN"] },
    ]);
  });
});
