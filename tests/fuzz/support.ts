// Shared pieces of the fuzz tests: the "a value or a typed ApikitError, in bounded time" check, and
// string arbitraries that mix near-valid grammar with garbage (unicode, lone surrogates, long runs).
import fc from "fast-check";
import { ApikitError } from "../../src/errors.js";

/** Runs per property: enough to hit the odd corners, few enough to keep the suite fast. */
export const RUNS = 500;
/** Vitest's bound on one property test, so that a hang fails instead of stalling the suite. */
export const TEST_TIMEOUT_MS = 60_000;
/** How long one synchronous call on a fuzzed input may take. */
export const CALL_BUDGET_MS = 100;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApikitError };

function typed(error: unknown): Outcome<never> {
  if (error instanceof ApikitError) return { ok: false, error };
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  throw new Error(`threw something other than an ApikitError: ${what}`, { cause: error });
}

function tooSlow(ms: number, budgetMs: number): Error {
  return new Error(`took ${ms.toFixed(0)} ms twice in a row (budget ${budgetMs} ms): a hang`);
}

/**
 * Calls `call` and gives back its value or the ApikitError it threw; any other throw fails the property.
 * A call over `budgetMs` is run once more and fails only if it is slow again: a GC pause on a busy
 * machine does not repeat, a hang or a quadratic blow-up does.
 */
export function settle<T>(call: () => T, budgetMs = CALL_BUDGET_MS): Outcome<T> {
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: call() };
    } catch (error) {
      outcome = typed(error);
    }
    const elapsed = performance.now() - started;
    if (elapsed <= budgetMs) return outcome;
    if (attempt === 2) throw tooSlow(elapsed, budgetMs);
  }
}

/** settle() for async calls (file reads): the same contract with a wider budget. */
export async function settleAsync<T>(call: () => Promise<T>, budgetMs: number): Promise<Outcome<T>> {
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: await call() };
    } catch (error) {
      outcome = typed(error);
    }
    const elapsed = performance.now() - started;
    if (elapsed <= budgetMs) return outcome;
    if (attempt === 2) throw tooSlow(elapsed, budgetMs);
  }
}

/** Short garbage: any code points (lone surrogates included), graphemes, or ASCII with controls. */
export const garbage: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary-ascii", maxLength: 40 }),
);

/** A short pattern repeated into a long input (up to `max` repetitions). */
export function longRun(pattern: fc.Arbitrary<string> = garbage, max = 20_000): fc.Arbitrary<string> {
  return fc
    .tuple(
      pattern.filter((s) => s.length > 0),
      fc.integer({ min: 500, max }),
    )
    .map(([s, n]) => s.repeat(Math.ceil(n / s.length)));
}

/** Number-ish text: integers, floats, huge, negative, NaN-ish, exotic digits and separators. */
export const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String),
  fc.stringMatching(/^-?\d{1,400}(\.\d{1,30})?$/),
  // Around the largest double (308 digits): finite, yet anything times 1000 overflows.
  fc
    .tuple(fc.constantFrom("", "-"), fc.integer({ min: 300, max: 312 }))
    .map(([sign, n]) => sign + "9".repeat(n)),
  fc.constantFrom(
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1e400",
    "-0",
    "0x10",
    "1_000",
    "１２",
    " 7 ",
    "",
    " ",
    "9".repeat(400),
    `-${"9".repeat(400)}`,
    "17976931348623157".padEnd(309, "0"), // Number.MAX_VALUE, written out
  ),
);

/**
 * Near-valid inputs with garbage spliced in: the input as is, with garbage inserted at some point,
 * cut short, or with a slice taken out.
 */
export function mutated(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const at = (text: string, n: number) => n % (text.length + 1);
  return fc.oneof(
    valid,
    fc.tuple(valid, garbage, fc.nat()).map(([v, g, n]) => v.slice(0, at(v, n)) + g + v.slice(at(v, n))),
    fc.tuple(valid, fc.nat()).map(([v, n]) => v.slice(0, at(v, n))),
    fc.tuple(valid, fc.nat(), fc.nat()).map(([v, a, b]) => v.slice(0, at(v, a)) + v.slice(at(v, a) + b)),
  );
}
