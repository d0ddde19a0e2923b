// A frame from apikit in a notebook cell: struct and list cells as JSON (nodejs-polars' own table
// writes "[object Object]" and "1,2"), Int64 beyond 2^53 with all its digits, 17-digit floats as they
// are, text escaped; showFrame() gives any frame (df.head(), a user's own) the same table.
import pl from "nodejs-polars";
import { describe, expect, it, vi } from "vitest";
import { recordsToPolars, showFrame } from "../../src/index.js";

const DISPLAY = Symbol.for("Jupyter.display");
type Bundle = { "text/plain": string; "text/html": string };
const bundleOf = (value: object): Bundle => (value as Record<symbol, () => Bundle>)[DISPLAY]!();

const RECORDS = [
  {
    id: 9007199254740993n,
    ship: { city: "Oslo <N>", tags: ["a", "b"] },
    sizes: [1, 2],
    ratio: 0.30000000000000004,
  },
  { id: 2n, ship: null, sizes: [], ratio: null },
];

/** The body cells of an HTML table, row by row. */
const cells = (html: string) =>
  [...html.matchAll(/<tr>(.*?)<\/tr>/g)]
    .slice(2)
    .map(([, row]) => [...row!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]));

describe("a frame's notebook display", () => {
  it("with flatten: false shows struct and list cells as JSON, integers exact", async () => {
    const df = await recordsToPolars(RECORDS, { flatten: false });
    // What nodejs-polars would show on its own.
    expect(df.toHTML()).toContain("[object Object]");
    const { "text/html": html, "text/plain": text } = bundleOf(df);
    expect(html).not.toContain("[object Object]");
    expect(cells(html)).toEqual([
      [
        "9007199254740993",
        "{&quot;city&quot;:&quot;Oslo &lt;N&gt;&quot;,&quot;tags&quot;:[&quot;a&quot;,&quot;b&quot;]}",
        "[1,2]",
        "0.30000000000000004",
      ],
      ["2", "null", "[]", "null"],
    ]);
    expect(html).toContain("<caption");
    expect(html).toContain("shape: (2, 4)");
    expect(html).toContain("<em>struct[2]</em>");
    expect(html).toContain("<em>list[i64]</em>");
    expect(text).toBe(df.toString());
  });

  it("flattened frames too: dtypes in the head, exact Int64", async () => {
    const df = await recordsToPolars(RECORDS);
    const { "text/html": html } = bundleOf(df);
    expect(df.columns).toEqual(["id", "ship__city", "ship__tags", "sizes", "ratio"]);
    expect(html).toContain("<em>i64</em>");
    expect(html).toContain("<em>f64</em>");
    expect(cells(html)[0]).toEqual([
      "9007199254740993",
      "Oslo &lt;N&gt;",
      "[&quot;a&quot;,&quot;b&quot;]",
      "[1,2]",
      "0.30000000000000004",
    ]);
  });

  it("shows the first 50 rows (POLARS_FMT_MAX_ROWS, or rows:) and says how many there are", async () => {
    const df = await recordsToPolars(Array.from({ length: 120 }, (_, i) => ({ i })));
    const { "text/html": html } = bundleOf(df);
    expect(cells(html)).toHaveLength(50);
    expect(html).toContain("<p>50 of 120 rows</p>");
    expect(cells(bundleOf(showFrame(df, { rows: 3 }))["text/html"])).toEqual([["0"], ["1"], ["2"]]);
    vi.stubEnv("POLARS_FMT_MAX_ROWS", "2");
    try {
      expect(cells(bundleOf(df)["text/html"])).toEqual([["0"], ["1"]]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("showFrame gives a derived or a user's own frame the same table", async () => {
    const df = await recordsToPolars(RECORDS, { flatten: false });
    const head = df.head(1);
    // nodejs-polars cannot even show this one on its own.
    expect(() => head.toHTML()).toThrow(/StructOwned/);
    expect(cells(bundleOf(showFrame(head))["text/html"])[0]![1]).toContain("&quot;city&quot;");
    const own = pl.DataFrame({ a: [1, 2] });
    expect(cells(bundleOf(showFrame(own))["text/html"])).toEqual([["1"], ["2"]]);
    // An empty frame is a head without rows.
    expect(cells(bundleOf(showFrame(pl.DataFrame()))["text/html"])).toEqual([]);
  });

  it("keeps the frame a frame: columns, JSON and polars' methods unchanged", async () => {
    const df = await recordsToPolars([{ a: 1 }]);
    expect(Object.keys(df)).not.toContain(String(DISPLAY));
    expect(df.toRecords()).toEqual([{ a: 1 }]);
    expect(df.head(1).height).toBe(1);
  });
});
