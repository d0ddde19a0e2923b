// Per-call options are checked at every entry point, like the client's: an unknown key or a wrong type
// is a ConfigError that names the key and the method, with a "did you mean" for a typo, and nothing
// is sent.
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

/** A typo, as a JS caller (or a cast) makes it. */
const typo = (key: string) => ({ [key]: 1 }) as unknown as Record<string, never>;

async function failureOf(call: () => unknown): Promise<unknown> {
  try {
    const result = call();
    if (result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
      for await (const _ of result as AsyncIterable<unknown>);
    } else await result;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("per-call options", () => {
  it("a typo is a ConfigError naming the key, the method and the likely option, at every entry point", async () => {
    const server = await serve((_req, res) => json(res, 200, [{ id: 1 }]));
    const api = client(server.url);
    const calls: Array<[string, () => unknown, string, string]> = [
      ["fetchRecords", () => api.fetchRecords("/x", typo("pageSzie")), "pageSzie", "pageSize"],
      ["pages", () => api.pages("/x", typo("pageSzie")), "pageSzie", "pageSize"],
      ["stream", () => api.stream("/x", typo("maxItem")), "maxItem", "maxItems"],
      [
        "fetchToFile",
        () => api.fetchToFile("/x", { filePath: "never.ndjson", ...typo("keep_partial") }),
        "keep_partial",
        "keepPartial",
      ],
      ["fetchPolars", () => api.fetchPolars("/x", typo("flaten")), "flaten", "flatten"],
      ["fetchArrow", () => api.fetchArrow("/x", typo("pageSzie")), "pageSzie", "pageSize"],
      ["request (GET)", () => api.get("/x", typo("parms")), "parms", "params"],
      ["inspect", () => api.inspect("/x", typo("datapath")), "datapath", "dataPath"],
      ["graphql", () => api.graphql("/x", "{ a }", typo("variabels")), "variabels", "variables"],
    ];
    for (const [method, call, wrong, right] of calls) {
      const error = await failureOf(call);
      expect(error, method).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain(`Invalid ${method} options`);
      expect((error as ConfigError).message).toContain(`unknown option "${wrong}" (did you mean ${right}?)`);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("a value of the wrong type is named with its path", async () => {
    const server = await serve((_req, res) => json(res, 200, []));
    const error = await failureOf(() =>
      client(server.url).fetchRecords("/x", {
        maxPages: "3" as unknown as number,
        onInvalid: "drop" as never,
      }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    const paths = (error as ConfigError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["maxPages", "onInvalid"]));
  });

  it("fetchMany checks its own options and each label's", async () => {
    const server = await serve((_req, res) => json(res, 200, []));
    const api = client(server.url);
    await expect(api.fetchMany({ a: "/a" }, { concurency: 2 } as never)).rejects.toThrow(
      /did you mean concurrency\?/,
    );
    await expect(api.fetchMany({ a: ["/a", { maxItem: 3 } as never] })).rejects.toThrow(
      /did you mean maxItems\?/,
    );
  });

  it('the client\'s options say "did you mean" too', () => {
    expect(() => new Apikit({ baseUrl: "http://127.0.0.1:1", pagination: { pageSzie: 3 } as never })).toThrow(
      /pagination\.pageSzie: unknown option "pageSzie" \(did you mean pageSize\?\)/,
    );
  });
});
