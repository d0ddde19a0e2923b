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

// Not "__proto__": polars' own `schema` object assigns it, which sets the prototype instead (the
// example test checks that column against the frame's columns).
const key = fc.constantFrom("id", "a", "b", "c", "1", "10", "", "x y", "a__b", "名前");
/** Floats written with 15 to 17 significant digits, the ones a double only just holds. */
const longFloat = fc
  .tuple(
    fc.integer({ min: 15, max: 17 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  )
  .map(([digits, x]) => Number(x.toPrecision(digits)));
const scalar = fc.oneof(
  fc.integer(),
  longFloat,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(2 ** 53 + 2, -(2 ** 60), 0.1 + 0.2, 1e21, 5),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.bigInt({ min: 2n ** 64n, max: 2n ** 80n }),
  fc.boolean(),
  fc.string({ unit: "grapheme", maxLength: 6 }),
  fc.constantFrom("", "東京 🚀", "naïve", "12345678901234567890", null, undefined),
);
const value = fc.oneof(
  { arbitrary: scalar, weight: 6 },
  { arbitrary: fc.array(scalar, { maxLength: 3 }), weight: 1 },
  { arbitrary: fc.dictionary(key, scalar, { maxKeys: 3 }), weight: 2 },
  { arbitrary: fc.dictionary(key, fc.dictionary(key, scalar, { maxKeys: 2 }), { maxKeys: 2 }), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);
/**
 * Records as APIs send them, for tabular outputs: 15–17-digit floats, integers and bigints beyond
 * 2^53, unicode, nulls, nested objects, arrays, late columns, types that widen.
 */
export const tabularRecords = fc.array(fc.dictionary(key, value, { maxKeys: 5 }), { maxLength: 12 });
