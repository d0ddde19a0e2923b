// Fuzzing the "one column set per path" rule through the real client: generated records whose fields
// are sometimes an object (with nested children), sometimes null, {}, missing, a scalar or an array,
// served as a paginated listing and pulled with fetchArrow and fetchPolars. Invariants: the row count
// is the record count; no all-null column is the parent (`name + sep`) of another column; every
// non-null leaf of every record is in its row under its flattened name, and no other cell holds a value.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Apikit } from "../../src/facade/index.js";
import { json, startServer, type TestServer } from "../support/server.js";
import { TEST_TIMEOUT_MS } from "./support.js";

// No key holds a separator: two paths never flatten to one name, so each leaf has its own column.
const key = fc.constantFrom("a", "b", "c", "d");
const scalar = fc.oneof(
  fc.integer(),
  fc.constantFrom(0.5, -1.25, 1e21),
  fc.boolean(),
  fc.string({ maxLength: 4 }),
  fc.constant(""),
);
/** At a path: a scalar first (what the depth bound falls back to), null, {}, an array, or an object. */
const { field } = fc.letrec<{ field: unknown }>((tie) => ({
  field: fc.oneof(
    { maxDepth: 4, depthIdentifier: "field" },
    { arbitrary: scalar, weight: 2 },
    { arbitrary: fc.constant(null), weight: 3 },
    { arbitrary: fc.constant({}), weight: 2 },
    { arbitrary: fc.array(scalar, { maxLength: 2 }), weight: 1 },
    // Missing: a key the dictionary does not draw.
    { arbitrary: fc.dictionary(key, tie("field"), { maxKeys: 3 }), weight: 4 },
  ),
}));
const pulls = fc.record({
  records: fc.array(fc.dictionary(key, field, { maxKeys: 4 }), { maxLength: 14 }),
  pageSize: fc.integer({ min: 1, max: 5 }),
  sep: fc.constantFrom("__", "."),
});

/** The non-null leaves of a record as [flattened name, text], walked here, not by flattenRecord. */
function leaves(value: Record<string, unknown>, sep: string, prefix = ""): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(value)) {
    const name = prefix === "" ? k : `${prefix}${sep}${k}`;
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) out.push([name, JSON.stringify(v)]);
    else if (typeof v === "object") out.push(...leaves(v as Record<string, unknown>, sep, name));
    else out.push([name, String(v)]);
  }
  return out;
}

/** The table's rows as { column: text }, null cells left out. */
type Cells = Array<Map<string, string>>;

function check(names: string[], cells: Cells, records: Array<Record<string, unknown>>, sep: string): void {
  expect(cells.length).toBe(records.length);
  for (const name of names) {
    const allNull = cells.every((row) => !row.has(name));
    const parentOf = names.find((other) => other.startsWith(name + sep));
    if (allNull && parentOf !== undefined)
      expect.fail(`column ${JSON.stringify(name)} is all null beside its child ${JSON.stringify(parentOf)}`);
  }
  for (const [i, record] of records.entries())
    expect(cells[i], `row ${i}`).toEqual(new Map(leaves(record, sep)));
}

const listings = new Map<string, unknown[]>();
let server: TestServer;
let client: Apikit;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const records = listings.get(req.query.get("id")!)!;
    const offset = Number(req.query.get("offset") ?? 0);
    const limit = Number(req.query.get("limit"));
    json(res, 200, { data: records.slice(offset, offset + limit), total: records.length });
  });
  client = new Apikit({ baseUrl: server.url, logger: false, retry: { maxRetries: 0 } });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

let next = 0;

describe("null-only parents, fuzzed through the client", () => {
  it(
    "fetchArrow and fetchPolars hold one column set per path, with every leaf in its row",
    async () => {
      await fc.assert(
        fc.asyncProperty(pulls, async ({ records, pageSize, sep }) => {
          const id = String(next++);
          listings.set(id, records);
          const options = {
            strategy: "offset" as const,
            totalPath: "total",
            dataPath: "data",
            pageSize,
            params: { id },
            sep,
          };
          try {
            const table = await client.fetchArrow("/items", options);
            const names = table.schema.fields.map((f) => f.name);
            const vectors = names.map((_, c) => table.getChildAt(c)!);
            const arrowCells: Cells = Array.from({ length: table.numRows }, (_, row) => {
              const cells = new Map<string, string>();
              for (const [c, name] of names.entries()) {
                const v: unknown = vectors[c]!.get(row);
                if (v !== null) cells.set(name, String(v));
              }
              return cells;
            });
            check(names, arrowCells, records, sep);

            const frame = await client.fetchPolars("/items", options);
            const columns = frame.columns.map((name) => frame.getColumn(name).toArray());
            const polarsCells: Cells = Array.from({ length: frame.height }, (_, row) => {
              const cells = new Map<string, string>();
              for (const [c, name] of frame.columns.entries()) {
                const v: unknown = columns[c]![row];
                if (v !== null) cells.set(name, String(v));
              }
              return cells;
            });
            check(frame.columns, polarsCells, records, sep);
          } finally {
            listings.delete(id);
          }
        }),
        { numRuns: 200 },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
