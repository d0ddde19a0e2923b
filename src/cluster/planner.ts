// The planner: a spec's partitions, each with a stable key (it names the partition's directory and its
// job, so a resubmitted spec finds its own work), and how a partition changes the request: its value
// in the path or a query parameter, or its window's bounds as two parameters.
import { ConfigError } from "../errors.js";
import type { PullSpec } from "./spec.js";

export interface Partition {
  /** Stable, directory-safe: the list value, or the window's start (YYYY-MM-DD when windows are whole days). */
  key: string;
  /** The path with `{value}` filled in. */
  path: string;
  /** Query parameters this partition adds. */
  params: Record<string, string>;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const MAX_WINDOWS = 100_000;

export function everyMs(every: string): number {
  const unit = every.at(-1) as keyof typeof UNIT_MS;
  return Number(every.slice(0, -1)) * UNIT_MS[unit];
}

/** Every partition of the spec, in order. */
export function partitions(spec: PullSpec): Partition[] {
  const p = spec.partitions;
  const path = spec.source.path as string;
  if (p.by === "list") {
    return p.values.map((value) => ({
      key: value,
      path: path.replaceAll("{value}", encodeURIComponent(value)),
      params: p.param ? { [p.param]: value } : {},
    }));
  }
  const start = Date.parse(p.start);
  const end = Date.parse(p.end);
  const step = everyMs(p.every);
  if (!(start < end)) {
    throw new ConfigError(`partitions.start (${p.start}) must be before partitions.end (${p.end})`, [
      { path: "partitions.end", message: "not after start" },
    ]);
  }
  const count = Math.ceil((end - start) / step);
  if (count > MAX_WINDOWS) {
    throw new ConfigError(
      `partitions: ${count} windows of ${p.every} is more than ${MAX_WINDOWS}; use a longer "every"`,
      [{ path: "partitions.every", message: "too many windows" }],
    );
  }
  const wholeDays = start % UNIT_MS.d === 0 && step % UNIT_MS.d === 0 && end % UNIT_MS.d === 0;
  if (p.format === "date" && !wholeDays) {
    throw new ConfigError(
      'partitions.format "date" needs windows of whole days from midnight UTC (start, end and every): a date cannot say where a shorter window starts',
      [{ path: "partitions.format", message: "needs whole-day windows" }],
    );
  }
  const out: Partition[] = [];
  // Half-open windows [since, until): each until is the next since, and the last one stops at end.
  for (let since = start; since < end; since += step) {
    const until = Math.min(since + step, end);
    out.push({
      key: wholeDays ? new Date(since).toISOString().slice(0, 10) : windowKey(since),
      path: path.replaceAll("{value}", encodeURIComponent(new Date(since).toISOString())),
      params: { [p.sinceParam]: bound(since, p.format), [p.untilParam]: bound(until, p.format) },
    });
  }
  return out;
}

/** 2024-01-01T06-00-00Z: no ":" (it is a directory name and a job id). */
function windowKey(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.000Z$/, "Z")
    .replaceAll(":", "-");
}

function bound(ms: number, format: "iso" | "date" | "unix" | "unix-ms"): string {
  switch (format) {
    case "date":
      return new Date(ms).toISOString().slice(0, 10);
    case "unix":
      return String(Math.floor(ms / 1000));
    case "unix-ms":
      return String(ms);
    default:
      return new Date(ms).toISOString();
  }
}
