// A checkpoint keeps a big-integer cursor exactly: a POST search whose cursor (in the body) is an id
// past 2^53 fails after its first page, and the resumed run sends the same digits the API gave.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));
const BIG = "9007199254740993123";

describe("checkpoints and big integers", () => {
  it("a resumed pull sends a bigint cursor in the body with all its digits", async () => {
    let failSecond = true;
    const bodies: string[] = [];
    const server = await serve((req, res) => {
      bodies.push(req.body);
      const after = /"after":(\d+)/.exec(req.body)?.[1];
      res.setHeader("content-type", "application/json");
      if (after === undefined) res.end(`{"data":[{"id":1}],"next":${BIG}}`);
      else if (failSecond) {
        res.statusCode = 500;
        res.end('{"error":"down"}');
      } else res.end(`{"data":[{"id":2}],"next":null}`);
    });
    const dir = await mkdtemp(join(tmpdir(), "apikit-bigint-checkpoint-"));
    try {
      const api = client(server.url, { maxRetries: 0 });
      const options = {
        method: "POST",
        body: { query: "x" },
        strategy: "cursor" as const,
        cursorIn: "body" as const,
        cursorParam: "after",
        nextCursorPath: "next",
        dataPath: "data",
        filePath: join(dir, "out.ndjson"),
        checkpoint: join(dir, "out.checkpoint.json"),
      };
      await expect(api.fetchToFile("/search", options)).rejects.toThrow(/500/);
      expect(await readFile(options.checkpoint, "utf8")).toContain(`"after": ${BIG}`);
      failSecond = false;
      const result = await api.fetchToFile("/search", options);
      expect(result.records).toBe(2);
      expect(bodies.at(-1)).toContain(`"after":${BIG}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
