// Reading pagination metadata out of responses: numbers that may arrive as strings, totals from a
// body path or X-Total-Count, and the records themselves.
import { firstHeaderValue } from "../base/index.js";
import { getPath } from "./paths.js";
import type { PageResponse } from "./types.js";

/** A number, or a numeric string ("41"); anything else is undefined. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The total number of records: from `totalPath` in the body, else the X-Total-Count header. */
export function readTotal(response: PageResponse, totalPath: string | undefined): number | undefined {
  if (totalPath) {
    const fromBody = toNumber(getPath(response.data, totalPath));
    if (fromBody !== undefined) return fromBody;
  }
  return toNumber(firstHeaderValue(response.headers, "x-total-count"));
}

/** true / "true" / 1 → true; false / "false" / 0 → false; anything else undefined. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === 1 || value === "1") return true;
  if (value === "false" || value === 0 || value === "0") return false;
  return undefined;
}

const WELL_KNOWN_ARRAYS = [
  "data",
  "results",
  "items",
  "records",
  "entries",
  "rows",
  "values",
  "issues",
  "nodes",
  "list",
  "objects",
];

/**
 * Where a body keeps its records: a dot path, "" for a top-level array, or null when the whole body
 * is one record. Without an explicit dataPath: the only array field, else a well-known array name.
 */
export function locateRecords(data: unknown, dataPath: string | undefined): string | null {
  if (dataPath !== undefined && dataPath !== "") return dataPath;
  if (Array.isArray(data)) return "";
  if (data === null || typeof data !== "object") return null;
  const arrays = Object.keys(data).filter((k) => Array.isArray((data as Record<string, unknown>)[k]));
  if (arrays.length === 1) return escapeKey(arrays[0]!);
  const known = WELL_KNOWN_ARRAYS.find((k) => arrays.includes(k));
  if (known) return known;
  return null;
}

function escapeKey(key: string): string {
  return key.replace(/\\/g, "\\\\").replace(/\./g, "\\.");
}

/** The records at a located path: an array as is, null/missing as none, a lone object as one record. */
export function recordsAt(data: unknown, location: string | null): unknown[] {
  if (location === null) return data === null || data === undefined ? [] : [data];
  const value = location === "" ? data : getPath(data, location);
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined) return [];
  return [value];
}
