import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { getPath, hasPath, parsePath, setPath } from "../../src/pagination/index.js";

const body = {
  data: { items: [{ id: 1 }, { id: 2 }, { id: 3 }] },
  "a.b": { c: "dotted" },
  map: { "0": "zero" },
  n: null,
};

describe("dot paths", () => {
  it("reads nested keys", () => {
    expect(getPath(body, "data.items")).toHaveLength(3);
  });

  it("reads array indexes, including negative ones", () => {
    expect(getPath(body, "data.items.0.id")).toBe(1);
    expect(getPath(body, "data.items.-1.id")).toBe(3);
  });

  it("reads keys that contain an escaped dot", () => {
    expect(parsePath("a\\.b.c")).toEqual(["a.b", "c"]);
    expect(getPath(body, "a\\.b.c")).toBe("dotted");
  });

  it("reads numeric keys of objects", () => {
    expect(getPath(body, "map.0")).toBe("zero");
  });

  it("gives undefined for missing paths and nulls on the way", () => {
    expect(getPath(body, "data.nothing.here")).toBeUndefined();
    expect(getPath(body, "n.x")).toBeUndefined();
    expect(getPath(body, "data.items.99.id")).toBeUndefined();
    expect(hasPath(body, "data.items.0")).toBe(true);
  });

  it("treats the empty path as the root", () => {
    expect(getPath(body, "")).toBe(body);
  });

  it("raises ConfigError for malformed paths", () => {
    for (const bad of ["a..b", ".a", "a.", "a\\"]) expect(() => parsePath(bad)).toThrow(ConfigError);
  });

  it("creates intermediate objects when setting", () => {
    const target: Record<string, unknown> = { keep: 1 };
    setPath(target, "page.cursor", "abc");
    expect(target).toEqual({ keep: 1, page: { cursor: "abc" } });
  });
});
