// A Parquet dataset written apart (a cluster pull's partitions) gets one schema, and one column set per
// path holds across its files: a parent that one partition saw only as null (its file has a `shipping`
// column) and others as an object is left out of the union; a parent with a value somewhere stays.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { getWriter, harmonizeParquet } from "../../src/writers/index.js";
import { duckColumns, duckQuery } from "./support.js";

const root = mkdtempSync(join(tmpdir(), "apikit-harmonize-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

async function dataset(parts: unknown[][], sep?: string): Promise<string[]> {
  const dir = join(root, `set-${++n}`);
  mkdirSync(dir);
  const paths: string[] = [];
  for (const [i, records] of parts.entries()) {
    const path = join(dir, `part-${i}.parquet`);
    await getWriter("parquet").write(records, path, sep === undefined ? {} : { sep });
    paths.push(path);
  }
  return paths;
}

const columnsOf = async (path: string) =>
  (await duckColumns(`SELECT * FROM read_parquet('${path}')`)).map((c) => c.name);

describe("harmonizeParquet", () => {
  it("leaves out a parent that no file holds a value in, and rewrites the file that had it", async () => {
    const paths = await dataset([
      [{ id: 1, shipping: null }],
      [{ id: 2, shipping: { city: "Oslo" } }],
      [{ id: 3, shipping: {} }],
    ]);
    expect(await columnsOf(paths[0]!)).toEqual(["id", "shipping"]);
    const rewritten = await harmonizeParquet(paths.map((path) => ({ path, rows: 1 })));
    expect(rewritten).toContain(paths[0]);
    for (const path of paths) expect(await columnsOf(path)).toEqual(["id", "shipping__city"]);
    const rows = await duckQuery(
      `SELECT id, shipping__city FROM read_parquet(['${paths.join("','")}']) ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1n, shipping__city: null },
      { id: 2n, shipping__city: "Oslo" },
      { id: 3n, shipping__city: null },
    ]);
  });

  it("keeps a parent that holds a value in some file, and follows the separator", async () => {
    const paths = await dataset(
      [[{ id: 1, shipping: "pickup" }], [{ id: 2, shipping: { city: "Oslo" } }], [{ id: 3, shipping: null }]],
      ".",
    );
    await harmonizeParquet(
      paths.map((path) => ({ path, rows: 1 })),
      { sep: "." },
    );
    for (const path of paths) expect(await columnsOf(path)).toEqual(["id", "shipping", "shipping.city"]);

    const dotted = await dataset([[{ a: null }], [{ a: { b: 1 } }]], ".");
    // Under the default separator "a" is no parent of "a.b": it stays.
    await harmonizeParquet(dotted.map((path) => ({ path, rows: 1 })));
    expect(await columnsOf(dotted[0]!)).toEqual(["a", "a.b"]);
    await harmonizeParquet(
      dotted.map((path) => ({ path, rows: 1 })),
      { sep: "." },
    );
    expect(await columnsOf(dotted[0]!)).toEqual(["a.b"]);
  });
});
