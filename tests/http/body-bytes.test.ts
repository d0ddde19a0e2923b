// A page's size in bytes (onPage's `bytes`) is the body's UTF-8 size, whether the server declares a
// content-length or streams the body in chunks without one.
import { afterEach, describe, expect, it } from "vitest";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

const BODY = JSON.stringify([{ city: "Zürich 東京 🚀", note: "naïve café" }, { city: "Kraków" }]);

describe("page size", () => {
  it("counts the body's UTF-8 bytes with and without a content-length", async () => {
    const server = await serve((req, res) => {
      const chunked = req.url.startsWith("/chunked");
      res.writeHead(200, {
        "content-type": "application/json",
        ...(chunked ? {} : { "content-length": Buffer.byteLength(BODY) }),
      });
      if (chunked) {
        res.write(BODY.slice(0, 20));
        res.end(BODY.slice(20));
      } else res.end(BODY);
    });
    const sizes: number[] = [];
    const api = client(server.url, { hooks: { onPage: (e) => void sizes.push(e.bytes) } });
    await api.fetchRecords("/sized", { paginate: false });
    await api.fetchRecords("/chunked", { paginate: false });
    expect(sizes).toEqual([Buffer.byteLength(BODY), Buffer.byteLength(BODY)]);
    expect(Buffer.byteLength(BODY)).toBeGreaterThan(BODY.length);
  });
});
