// Incremental pulls: each run asks only for what changed since the last one. The high-water mark of
// `cursorField` lives in a small state file; a run sends it (minus an optional lookback) as `param`,
// keeps only records newer than what it sent, and stores the new mark only after its output is
// complete, so a failed run is simply repeated.
import { z } from "zod";
import { issueLines } from "../config/index.js";
import { ConfigError, OutputError } from "../errors.js";
import { getPath } from "../pagination/index.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import type { IncrementalOptions } from "./call-options.js";
import { readStateFile } from "./state-file.js";

export type { IncrementalOptions };

type Mark = string | number;

/** The state file, checked: a wrong mark would silently skip records (or fetch them all again). */
const StateFile = z.object({
  cursorField: z.string().min(1),
  value: z.union([z.string(), z.number()]),
  updatedAt: z.string(),
});
type StateFile = z.infer<typeof StateFile>;

/** The saved state, or undefined before the first run; a file that is not one is a ConfigError. */
function readState(path: string): Promise<StateFile | undefined> {
  return readStateFile(path, StateFile, (problem) => {
    const retry = "use another state file or remove it to start over";
    if (problem.kind === "unreadable")
      return new ConfigError(`The state file ${path} cannot be read: ${problem.error.message}`);
    if (problem.kind === "not-json")
      return new ConfigError(
        `The state file ${path} is not valid JSON (${problem.error.message}); ${retry}.`,
      );
    return new ConfigError(
      `The state file ${path} is not an incremental state file; ${retry}:\n${issueLines(problem.issues)}`,
      problem.issues,
    );
  });
}

export class IncrementalState {
  /** The value sent with this run's request, and the lower bound of what is kept. */
  readonly since: Mark | undefined;
  #max: Mark | undefined;

  private constructor(
    readonly options: IncrementalOptions,
    previous: Mark | undefined,
  ) {
    const base = previous ?? options.initialValue;
    this.since = base === undefined ? undefined : minus(base, options);
    this.#max = previous;
  }

  static async load(options: IncrementalOptions): Promise<IncrementalState> {
    for (const key of ["cursorField", "param", "stateFile"] as const) {
      if (typeof options[key] !== "string" || options[key] === "") {
        throw new ConfigError(`incremental.${key} is required`, [
          { path: `incremental.${key}`, message: "required" },
        ]);
      }
    }
    const state = await readState(options.stateFile);
    if (state && state.cursorField !== options.cursorField) {
      throw new ConfigError(
        `The state file ${options.stateFile} tracks "${state.cursorField}", not "${options.cursorField}"; use another state file.`,
      );
    }
    return new IncrementalState(options, state?.value);
  }

  /** Keeps records newer than `since`, and follows the highest value seen. */
  keep(record: unknown): boolean {
    const value = getPath(record, this.options.cursorField);
    if (typeof value !== "string" && typeof value !== "number") return this.since === undefined;
    if (this.#max === undefined || compare(value, this.#max) > 0) this.#max = value;
    return this.since === undefined || compare(value, this.since) > 0;
  }

  /** Stores the new mark (atomically); call only once the output is complete. */
  async commit(): Promise<void> {
    if (this.#max === undefined) return;
    const state: StateFile = {
      cursorField: this.options.cursorField,
      value: this.#max,
      updatedAt: new Date().toISOString(),
    };
    try {
      await writeFileAtomic(this.options.stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    } catch (error) {
      throw new OutputError(
        `Could not save the incremental state to ${this.options.stateFile}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

function asTime(value: Mark): number | undefined {
  return typeof value === "string" && ISO_DATE.test(value) ? Date.parse(value) : undefined;
}

/** Numbers numerically, ISO timestamps by time, anything else as text. */
export function compare(a: Mark, b: Mark): number {
  const na = typeof a === "number" ? a : Number.NaN;
  const nb = typeof b === "number" ? b : Number.NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  const ta = asTime(a);
  const tb = asTime(b);
  if (ta !== undefined && tb !== undefined && !Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** The mark moved back by the lookback window: units for a number, ms (lookbackMs) for a timestamp. */
function minus(value: Mark, options: IncrementalOptions): Mark {
  const { lookback, lookbackMs } = options;
  if (lookback !== undefined && lookbackMs !== undefined) {
    throw new ConfigError(
      "incremental: give lookbackMs (a timestamp mark) or lookback (a numeric one), not both",
      [{ path: "incremental.lookback", message: "not with lookbackMs" }],
    );
  }
  if (typeof value === "number") {
    if (lookbackMs !== undefined) {
      throw new ConfigError(
        `incremental.lookbackMs is a duration for a timestamp mark, but the mark of "${options.cursorField}" is the number ${value}; re-read a number of units with lookback`,
        [{ path: "incremental.lookbackMs", message: "only for timestamp marks" }],
      );
    }
    return value - (lookback ?? 0);
  }
  const windowMs = lookbackMs ?? (lookback ?? 0) * 1000;
  const time = asTime(value);
  if (windowMs <= 0 || time === undefined || Number.isNaN(time)) return value;
  return new Date(time - windowMs).toISOString();
}
