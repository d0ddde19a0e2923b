// Fuzzing parseJson over generated JSON texts (digits inside strings, escapes, unicode, JSON inside
// strings, floats of 15–17 significant digits, big integers at any depth, duplicate and "__proto__"
// keys, any whitespace): the result is JSON.parse's, except that every integer token beyond the safe
// range is the exact bigint of its digits; and a broken text fails exactly as JSON.parse fails on it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bigIntegerTokens, parseJson } from "../../src/http/json.js";
import { mutated, RUNS, TEST_TIMEOUT_MS } from "./support.js";

/** The oracle: JSON.parse with a reviver that reads each number's source text. */
function exactParse(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === "number" &&
    !Number.isSafeInteger(value) &&
    context?.source !== undefined &&
    /^-?\d+$/.test(context.source)
      ? BigInt(context.source)
      : value,
  );
}

/** The same value with every bigint as the number JSON.parse would have made of its digits. */
function asNumbers(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(asNumbers);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, k, {
        value: asNumbers(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** An independent lexer of valid JSON: the integer tokens outside strings beyond the safe range. */
function lexedBigIntegers(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      i += 1;
      while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i += 1;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      NUMBER.lastIndex = i;
      const token = NUMBER.exec(text)![0];
      if (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) out.push(token);
      i += token.length;
    } else i += 1;
  }
  return out;
}

const space = fc.constantFrom("", "", "", " ", "\n", "\t", "\r\n  ");
const digitRun = fc.stringMatching(/^[1-9]\d{15,30}$/);

/** Integers: safe ones (16-digit ones included), and beyond 2^53 or beyond int64, either sign. */
const integerText = fc.oneof(
  fc.integer().map(String),
  fc.integer({ min: 1e15, max: Number.MAX_SAFE_INTEGER }).map(String),
  fc.constantFrom("9007199254740991", "-9007199254740991", "9007199254740992", "9007199254740993", "0", "-0"),
  fc.tuple(fc.constantFrom("", "-"), digitRun).map(([sign, d]) => sign + d),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
);
/** Floats as servers print them: 15–17 significant digits, exponents, a 16-digit integer part. */
const floatText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)),
  fc.constantFrom(
    "37.774929499999996",
    "-1.2345678901234567e-5",
    "1234567890123456.7",
    "-0.12345678901234567",
    "1.2345678901234567E+21",
    "12345678901234567e3",
    "9007199254740993.0",
    "1e16",
  ),
  fc.tuple(digitRun, digitRun).map(([a, b]) => `${a.slice(0, 3)}.${b}`),
);
/** Strings: digit runs (ids, phone numbers), escapes, unicode, JSON text, look-alikes of the marker. */
const stringText = fc
  .oneof(
    fc.string({ unit: "grapheme", maxLength: 12 }),
    digitRun,
    digitRun.map((d) => `+49 ${d}`),
    fc
      .tuple(fc.constantFrom(": ", ", ", "[", " "), digitRun, fc.constantFrom(",", "]", "}", " ", ""))
      .map(([a, d, b]) => `x${a}${d}${b}`),
    integerText.map((n) => `{"id":${n},"list":[${n}, ${n}]}`),
    fc.constantFrom('say "hi"', "back\\slash\\", "東京 🚀", ""),
    // Backslashes and quotes right before digits: the escapes the string scan must count.
    fc
      .array(fc.constantFrom("\\", '"', " ", ", ", ":", "[", "]", "12345678901234567890", "x"), {
        maxLength: 8,
      })
      .map((parts) => parts.join("")),
  )
  .map((s) => JSON.stringify(s));

const key = fc.oneof(
  fc.constantFrom("id", "a", "b", "__proto__", "12345678901234567890", "x y").map((k) => JSON.stringify(k)),
  stringText,
);

const tree = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "medium", withCrossShrink: true },
    integerText,
    floatText,
    stringText,
    fc.constantFrom("true", "false", "null"),
    tie("array"),
    tie("object"),
  ),
  array: fc
    .array(fc.tuple(space, tie("value"), space), { maxLength: 6 })
    .map((items) => `[${items.map(([a, v, b]) => a + v + b).join(",")}]`),
  object: fc
    .array(fc.tuple(space, key, space, tie("value"), space), { maxLength: 6 })
    .map((members) => `{${members.map(([a, k, b, v, c]) => `${a}${k}${b}:${v}${c}`).join(",")}}`),
}));

/** A string that looks like the parser's own marker for a rewritten token, beside a page. */
const lookAlike = fc
  .tuple(tree.object, fc.constantFrom("\u0000apikit:int:12345678901234567890", "\u0000", "\u0000apikit:int:"))
  .map(([page, s]) => `[${page},${JSON.stringify(s)}]`);

/** Mostly pages (objects and arrays), sometimes a bare value or a marker look-alike. */
const documents = fc
  .tuple(
    space,
    fc.oneof(
      { arbitrary: tree.object, weight: 8 },
      { arbitrary: tree.array, weight: 6 },
      { arbitrary: tree.value, weight: 2 },
      { arbitrary: lookAlike, weight: 1 },
    ),
    space,
  )
  .map(([a, v, b]) => a + v + b);

function outcome(parse: (text: string) => unknown, text: string) {
  try {
    return { value: parse(text) };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

describe("parseJson on generated JSON", () => {
  it(
    "equals JSON.parse, with every integer token beyond the safe range as its exact bigint",
    () => {
      fc.assert(
        fc.property(documents, (text) => {
          const parsed = parseJson(text);
          expect(parsed).toEqual(exactParse(text));
          expect(asNumbers(parsed)).toEqual(JSON.parse(text));
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "finds exactly the integer tokens beyond the safe range outside strings",
    () => {
      fc.assert(
        fc.property(documents, (text) => {
          const found = bigIntegerTokens(text).map(([start, end]) => text.slice(start, end));
          expect(found).toEqual(lexedBigIntegers(text));
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "fails on a broken text exactly as JSON.parse does, and otherwise agrees with the oracle",
    () => {
      fc.assert(
        fc.property(mutated(documents), (text) => {
          const ours = outcome(parseJson, text);
          const oracle = outcome(exactParse, text);
          expect(ours).toEqual(oracle);
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
