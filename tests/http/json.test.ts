// parseJson: JSON.parse's values, except integer tokens beyond 2^53 as exact bigints; the scan that
// finds those tokens ignores digits in strings and in floats, so such pages take the plain parse.
import { describe, expect, it } from "vitest";
import { bigIntegerTokens, parseJson } from "../../src/http/json.js";

const tokens = (text: string) => bigIntegerTokens(text).map(([start, end]) => text.slice(start, end));

describe("parseJson", () => {
  it("keeps integers beyond 2^53 exact at any depth, and leaves safe ones numbers", () => {
    const text =
      '{"id":9007199254740993,"n":[-12345678901234567890,1000000000000000],"deep":{"a":[{"b":18446744073709551616}]},"small":42}';
    expect(parseJson(text)).toEqual({
      id: 9007199254740993n,
      n: [-12345678901234567890n, 1000000000000000],
      deep: { a: [{ b: 18446744073709551616n }] },
      small: 42,
    });
    expect(parseJson(" 123456789012345678901 ")).toBe(123456789012345678901n);
    expect(parseJson("[ 9007199254740992 ,\n\t9007199254740991 ]")).toEqual([
      9007199254740992n,
      9007199254740991,
    ]);
  });

  it("leaves floats with 15–17 significant digits, exponents and digit strings as JSON.parse reads them", () => {
    const text =
      '{"lat":37.774929499999996,"tiny":-1.2345678901234567e-5,"big":1234567890123456.7,"e":1.2345678901234567E+21,' +
      '"id":"12345678901234567890","phone":"+4915112345678901","text":"order 12345678901234567 shipped",' +
      '"json":"{\\"id\\": 12345678901234567890, \\"list\\": [12345678901234567890]}","esc":"\\\\\\" 12345678901234567890 ]"}';
    expect(tokens(text)).toEqual([]);
    expect(parseJson(text)).toEqual(JSON.parse(text));
  });

  it("tells a token after a string that ends in backslashes from one inside a string", () => {
    const text = '["a\\\\", 12345678901234567890, "b\\", 12345678901234567890, c"]';
    expect(tokens(text)).toEqual(["12345678901234567890"]);
    expect(parseJson(text)).toEqual(["a\\", 12345678901234567890n, 'b", 12345678901234567890, c']);
  });

  it("keeps a string that looks like a rewritten token a string", () => {
    const text = '{"s":"\\u0000apikit:int:12345678901234567890","n":12345678901234567890}';
    expect(parseJson(text)).toEqual({ s: "\u0000apikit:int:12345678901234567890", n: 12345678901234567890n });
  });

  it("lets the last of duplicate keys win, as JSON.parse does", () => {
    expect(parseJson('{"a":12345678901234567890,"a":1}')).toEqual({ a: 1 });
    expect(parseJson('{"a":1,"a":12345678901234567890}')).toEqual({ a: 12345678901234567890n });
  });

  it('stores a big integer under "__proto__" as an own property, without touching the prototype', () => {
    const parsed = parseJson('{"__proto__":12345678901234567890}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(parsed, "__proto__")?.value).toBe(12345678901234567890n);
  });

  it("fails on broken JSON with JSON.parse's own message for the text as sent", () => {
    for (const text of [
      "[012345678901234567890]",
      '{"a":12345678901234567890,}',
      '{"a":12345678901234567890 "b":1}',
      "[12345678901234567890",
      '{"a":"\\u0000", "b": 12345678901234567890',
    ]) {
      const expected = (() => {
        try {
          JSON.parse(text);
        } catch (error) {
          return (error as Error).message;
        }
        return "no error";
      })();
      expect(() => parseJson(text), text).toThrow(expected);
    }
  });
});
