// The pull spec and its partitions, without Redis: windows cover [start, end) with no gap and no
// overlap (generated with fast-check), keys are stable and directory-safe, secrets never sit in a spec.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { partitions } from "../../src/cluster/planner.js";
import { parseSpec, pullId, resolveEnvRefs } from "../../src/cluster/spec.js";
import { ConfigError, loadSpec, type PullSpecInput } from "../../src/index.js";

const base = (
  partitionsSpec: PullSpecInput["partitions"],
  source: Record<string, unknown> = {},
): PullSpecInput => ({
  name: "t",
  source: { baseUrl: "https://api.example.com", path: "/stores/{value}/orders", ...source },
  partitions: partitionsSpec,
  output: { dir: "/data/t" },
});

const configError = (f: () => unknown): ConfigError => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
};

describe("window partitions", () => {
  it("cover [start, end) exactly: each window starts where the last ended, none overlaps, keys are unique (generated)", () => {
    const units = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000_000 }), // minutes after 2020-01-01 of the start
        fc.constantFrom("m", "h", "d", "w") as fc.Arbitrary<keyof typeof units>,
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 400 }), // span, in units of `every`'s unit
        fc.integer({ min: 0, max: 59 }), // a ragged end
        (startMinutes, unit, n, span, ragged) => {
          const start = Date.UTC(2020, 0, 1) + startMinutes * 60_000;
          const end = start + span * units[unit] + ragged * 60_000;
          const every = `${n}${unit}`;
          const spec = parseSpec(
            base(
              { by: "window", start: new Date(start).toISOString(), end: new Date(end).toISOString(), every },
              { path: "/events" },
            ),
          );
          const parts = partitions(spec);
          expect(parts.length).toBe(Math.ceil((end - start) / (n * units[unit])));
          let at = start;
          for (const p of parts) {
            expect(Date.parse(p.params.since!)).toBe(at);
            const until = Date.parse(p.params.until!);
            expect(until).toBeGreaterThan(at);
            at = until;
            expect(p.key).not.toMatch(/[:/]/);
          }
          expect(at).toBe(end);
          expect(new Set(parts.map((p) => p.key)).size).toBe(parts.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("names whole-day windows by date and others by their start, with no ':'", () => {
    const days = partitions(
      parseSpec(base({ by: "window", start: "2024-01-30", end: "2024-02-02", every: "1d" }, { path: "/e" })),
    );
    expect(days.map((p) => p.key)).toEqual(["2024-01-30", "2024-01-31", "2024-02-01"]);
    expect(days[0]!.params).toEqual({ since: "2024-01-30T00:00:00.000Z", until: "2024-01-31T00:00:00.000Z" });
    const hours = partitions(
      parseSpec(
        base(
          {
            by: "window",
            start: "2024-01-01T00:00:00Z",
            end: "2024-01-01T12:00:00Z",
            every: "6h",
            sinceParam: "from",
            untilParam: "to",
            format: "unix",
          },
          { path: "/e" },
        ),
      ),
    );
    expect(hours.map((p) => p.key)).toEqual(["2024-01-01T00-00-00Z", "2024-01-01T06-00-00Z"]);
    expect(hours[1]!.params).toEqual({
      from: String(Date.UTC(2024, 0, 1, 6) / 1000),
      to: String(Date.UTC(2024, 0, 1, 12) / 1000),
    });
  });

  it("refuses an empty range and a date format for windows shorter than a day", () => {
    expect(
      configError(() =>
        partitions(parseSpec(base({ by: "window", start: "2024-01-02", end: "2024-01-01", every: "1d" }))),
      ).message,
    ).toContain("must be before");
    expect(
      configError(() =>
        partitions(
          parseSpec(
            base({ by: "window", start: "2024-01-01", end: "2024-01-02", every: "6h", format: "date" }),
          ),
        ),
      ).message,
    ).toContain("whole days");
    expect(
      configError(() =>
        parseSpec(base({ by: "window", start: "2024-01-01", end: "2024-01-02", every: "1 day" })),
      ).message,
    ).toContain("partitions.every");
  });
});

describe("list partitions", () => {
  it("put the value in the path or in a query parameter", () => {
    const inPath = partitions(parseSpec(base({ by: "list", values: ["s1", 42] })));
    expect(inPath).toEqual([
      { key: "s1", path: "/stores/s1/orders", params: {} },
      { key: "42", path: "/stores/42/orders", params: {} },
    ]);
    const inQuery = partitions(
      parseSpec(base({ by: "list", values: ["a"], param: "store" }, { path: "/orders" })),
    );
    expect(inQuery).toEqual([{ key: "a", path: "/orders", params: { store: "a" } }]);
  });

  it("refuse a value that cannot name a directory, a value twice, and a path with nowhere to put it", () => {
    expect(configError(() => parseSpec(base({ by: "list", values: ["ok", "../etc"] }))).message).toContain(
      "partitions.values",
    );
    expect(configError(() => parseSpec(base({ by: "list", values: ["a", "b", "a"] }))).message).toContain(
      '"a" twice',
    );
    expect(
      configError(() => parseSpec(base({ by: "list", values: ["a"] }, { path: "/orders" }))).message,
    ).toContain("{value}");
  });
});

describe("the spec", () => {
  it("has the same id whatever the order of its keys, and another id when anything changes", () => {
    const a = parseSpec(base({ by: "list", values: ["s1", "s2"] }));
    const b = parseSpec({
      output: { dir: "/data/t" },
      partitions: { values: ["s1", "s2"], by: "list" },
      source: a.source,
      name: "t",
    });
    expect(pullId(b)).toBe(pullId(a));
    expect(pullId(parseSpec(base({ by: "list", values: ["s1", "s3"] })))).not.toBe(pullId(a));
  });

  it("never holds a secret: a written-out token or secret header is refused, { env } is read on the worker", () => {
    const token = configError(() =>
      parseSpec(base({ by: "list", values: ["a"] }, { auth: { type: "bearer", token: "ghp_secret123" } })),
    );
    expect(token.issues.map((i) => i.path)).toEqual(["source.auth.token"]);
    expect(token.message).not.toContain("ghp_secret123");
    const header = configError(() =>
      parseSpec(base({ by: "list", values: ["a"] }, { headers: { Authorization: "Bearer x" } })),
    );
    expect(header.issues.map((i) => i.path)).toEqual(["source.headers.Authorization"]);

    const spec = parseSpec(
      base({ by: "list", values: ["a"] }, { auth: { type: "bearer", token: { env: "SHOP_TOKEN" } } }),
    );
    expect(resolveEnvRefs(spec.source, { SHOP_TOKEN: "t0k" }).auth).toEqual({ type: "bearer", token: "t0k" });
    const missing = configError(() => resolveEnvRefs(spec.source, {}));
    expect(missing.message).toContain("SHOP_TOKEN");
    expect(missing.message).toContain("source.auth.token");
  });

  it("loads from JSON or TOML, with output.dir relative to the spec file, and names a broken file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "apikit-spec-"));
    try {
      writeFileSync(
        join(dir, "pull.toml"),
        [
          'name = "orders"',
          "[source]",
          'baseUrl = "https://api.example.com"',
          'path = "/stores/{value}/orders"',
          "[partitions]",
          'by = "list"',
          'values = ["s1", "s2"]',
          "[output]",
          'dir = "out"',
          "[rateLimit]",
          "requestsPerSecond = 5",
        ].join("\n"),
      );
      const spec = await loadSpec(join(dir, "pull.toml"));
      expect(spec.output).toEqual({ dir: join(dir, "out"), format: "parquet" });
      expect(spec.rateLimit).toEqual({ requestsPerSecond: 5 });
      writeFileSync(join(dir, "bad.json"), '{ "name": "x", ');
      await expect(loadSpec(join(dir, "bad.json"))).rejects.toThrow(/bad\.json is not valid JSON/);
      writeFileSync(
        join(dir, "typo.json"),
        JSON.stringify({ ...base({ by: "list", values: ["a"] }), partitons: {} }),
      );
      await expect(loadSpec(join(dir, "typo.json"))).rejects.toThrow(/partitons/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
