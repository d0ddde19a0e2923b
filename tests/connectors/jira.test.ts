// The jira connector against a loopback Jira Cloud: basic auth (email:API token), startAt/maxResults/
// total pages with the server capping maxResults at 50, records under "issues" (search) or "values".
import { afterEach, describe, expect, it } from "vitest";
import { jira } from "../../src/connectors/index.js";
import { AuthError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, type TestServer, useLoopback } from "../support/server.js";
import { basic, loopbackOptions, pathOf } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const EMAIL = "jane@example.com";
const API_TOKEN = "ATATT3xFfGF0-example-token";
const ISSUES = Array.from({ length: 120 }, (_, i) => ({ id: String(10_000 + i), key: `PROJ-${i + 1}` }));
const PROJECTS = Array.from({ length: 7 }, (_, i) => ({ id: String(10_000 + i), key: `P${i}` }));

function fakeJira(options: { warnings?: boolean } = {}): Promise<TestServer> {
  return serve((req, res) => {
    if (req.headers.authorization !== basic(EMAIL, API_TOKEN)) {
      res.writeHead(401, {
        "www-authenticate": 'Basic realm="protected-area"',
        "content-type": "text/plain",
      });
      res.end("Client must be authenticated to access this resource.");
      return;
    }
    const startAt = Number(req.query.get("startAt") ?? 0);
    const maxResults = Math.min(Number(req.query.get("maxResults") ?? 50), 50);
    const page = { startAt, maxResults };
    if (pathOf(req) === "/rest/api/3/search") {
      json(res, 200, {
        expand: "schema,names",
        ...page,
        total: ISSUES.length,
        issues: ISSUES.slice(startAt, startAt + maxResults),
        ...(options.warnings
          ? { warningMessages: ["The value 'x' does not exist for the field 'label'."] }
          : {}),
      });
      return;
    }
    if (pathOf(req) === "/rest/api/3/project/search") {
      const values = PROJECTS.slice(startAt, startAt + maxResults);
      json(res, 200, {
        ...page,
        total: PROJECTS.length,
        isLast: startAt + values.length >= PROJECTS.length,
        values,
      });
      return;
    }
    json(res, 404, { errorMessages: ["Not found"], errors: {} });
  });
}

describe("the jira connector", () => {
  it("pulls every issue of a search once, in order, when Jira caps maxResults below the 100 asked", async () => {
    const server = await fakeJira();
    const options = loopbackOptions(jira, { siteDomain: "acme" }, server, {
      username: EMAIL,
      password: API_TOKEN,
    });
    const issues = await client(server.url, options).fetchRecords("/search", {
      params: { jql: "project = PROJ" },
    });
    expect(issues.map((i) => i.key)).toEqual(ISSUES.map((i) => i.key));
    expect(server.requests.map((r) => r.query.get("startAt"))).toEqual(["0", "50", "100"]);
    for (const r of server.requests) {
      expect(r.headers.authorization).toBe(basic(EMAIL, API_TOKEN));
      expect(r.query.get("maxResults")).toBe("100");
      expect(r.query.get("jql")).toBe("project = PROJ");
    }
  });

  it("finds records under values on the other paginated endpoints, ending at total", async () => {
    const server = await fakeJira();
    const options = loopbackOptions(jira, { siteDomain: "acme" }, server, {
      username: EMAIL,
      password: API_TOKEN,
    });
    const projects = await client(server.url, options).fetchRecords("/project/search");
    expect(projects.map((p) => p.key)).toEqual(PROJECTS.map((p) => p.key));
    expect(server.requests).toHaveLength(1);
  });

  it("reads issues beside warningMessages with the documented dataPath override", async () => {
    const server = await fakeJira({ warnings: true });
    const options = loopbackOptions(jira, { siteDomain: "acme" }, server, {
      username: EMAIL,
      password: API_TOKEN,
    });
    const issues = await client(server.url, options).fetchRecords("/search", { dataPath: "issues" });
    expect(issues.map((i) => i.key)).toEqual(ISSUES.map((i) => i.key));
  });

  it("is refused with an AuthError when the API token is wrong", async () => {
    const server = await fakeJira();
    const options = loopbackOptions(jira, { siteDomain: "acme" }, server, {
      username: EMAIL,
      password: "nope",
    });
    const error = await client(server.url, options)
      .fetchRecords("/search")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(401);
  });

  it("builds the site URL from a site name or host", () => {
    expect(jira.config({ siteDomain: "acme" }).baseUrl).toBe("https://acme.atlassian.net/rest/api/3");
    expect(jira.config({ siteDomain: "acme.atlassian.net" }).baseUrl).toBe(
      "https://acme.atlassian.net/rest/api/3",
    );
  });
});
