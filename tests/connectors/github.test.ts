// The github connector against a loopback GitHub: bearer token, versioned media type, Link-header
// pagination whose next URLs point at another path (/repositories/{id}/...), 100 per page.
import { afterEach, describe, expect, it } from "vitest";
import { github } from "../../src/connectors/index.js";
import { AuthError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, type TestServer, useLoopback } from "../support/server.js";
import { loopbackOptions, originOf, pathOf } from "./support.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
const ISSUES = Array.from({ length: 250 }, (_, i) => ({
  id: 1_000_000 + i,
  number: i + 1,
  title: `#${i + 1}`,
}));
const PATHS = ["/repos/octocat/hello-world/issues", "/repositories/1296269/issues"];

/** GitHub's issue listing: per_page ≤ 100 (silently capped), page numbers, Link rel=next/prev/last/first. */
function fakeGitHub(): Promise<TestServer> {
  return serve((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      json(res, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
      return;
    }
    if (!PATHS.includes(pathOf(req))) {
      json(res, 404, { message: "Not Found" });
      return;
    }
    const perPage = Math.min(Number(req.query.get("per_page") ?? 30), 100);
    const page = Number(req.query.get("page") ?? 1);
    const last = Math.ceil(ISSUES.length / perPage);
    const link = (p: number, rel: string) => {
      const q = new URLSearchParams(req.query);
      q.set("per_page", String(perPage));
      q.set("page", String(p));
      return `<${originOf(req)}${PATHS[1]}?${q}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, "prev"));
    if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
    if (page > 1) links.push(link(1, "first"));
    json(
      res,
      200,
      ISSUES.slice((page - 1) * perPage, page * perPage),
      links.length > 0 ? { link: links.join(", ") } : {},
    );
  });
}

describe("the github connector", () => {
  it("pulls every issue once, in order, following the Link header at 100 per page", async () => {
    const server = await fakeGitHub();
    const api = client(server.url, loopbackOptions(github, {}, server, { token: TOKEN }));
    const issues = await api.fetchRecords("/repos/octocat/hello-world/issues", { params: { state: "all" } });
    expect(issues.map((i) => i.id)).toEqual(ISSUES.map((i) => i.id));
    expect(server.requests.map((r) => [pathOf(r), r.query.get("page"), r.query.get("per_page")])).toEqual([
      [PATHS[0], null, "100"],
      [PATHS[1], "2", "100"],
      [PATHS[1], "3", "100"],
    ]);
    for (const r of server.requests) {
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.headers.accept).toBe("application/vnd.github+json");
      expect(r.headers["x-github-api-version"]).toBe("2022-11-28");
      expect(r.query.get("state")).toBe("all");
    }
  });

  it("is refused with an AuthError when the token is wrong", async () => {
    const server = await fakeGitHub();
    const api = client(server.url, loopbackOptions(github, {}, server, { token: "ghp_wrong" }));
    const error = await api.fetchRecords("/repos/octocat/hello-world/issues").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(401);
    expect(server.requests).toHaveLength(1);
  });

  it("points at api.github.com by default and at a GitHub Enterprise Server when asked", () => {
    expect(github.config().baseUrl).toBe("https://api.github.com");
    expect(github.config({ apiUrl: "https://ghe.example.com/api/v3" }).baseUrl).toBe(
      "https://ghe.example.com/api/v3",
    );
  });
});
