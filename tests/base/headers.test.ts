// The one header reader: both shapes headers come in (undici's or node:http's record, a fetch
// Headers), any case, and a repeated field joined for list headers or taken first for single ones.
import { describe, expect, it } from "vitest";
import { firstHeaderValue, forEachHeader, headerValue } from "../../src/base/index.js";

const record = { link: ['<a>; rel="next"', '<b>; rel="last"'], "retry-after": ["120", "30"], "x-one": "1" };

describe("headerValue and firstHeaderValue", () => {
  it("join a repeated field with ', ' or take its first value; a single one is itself", () => {
    expect(headerValue(record, "link")).toBe('<a>; rel="next", <b>; rel="last"');
    expect(firstHeaderValue(record, "retry-after")).toBe("120");
    expect(headerValue(record, "x-one")).toBe("1");
    expect(firstHeaderValue(record, "x-one")).toBe("1");
  });

  it("find a name in any case, in a record as a sender spelled it too", () => {
    const handMade = { "X-Total-Count": "41", "Retry-After": ["5", "6"] };
    expect(headerValue(handMade, "x-total-count")).toBe("41");
    expect(firstHeaderValue(handMade, "RETRY-AFTER")).toBe("5");
    expect(headerValue(record, "X-One")).toBe("1");
  });

  it("read a fetch Headers, whose repeated values are already joined", () => {
    const headers = new Headers([
      ["Link", "<a>"],
      ["link", "<b>"],
      ["Content-Type", "application/json"],
    ]);
    expect(headerValue(headers, "LINK")).toBe("<a>, <b>");
    expect(firstHeaderValue(headers, "content-type")).toBe("application/json");
  });

  it("give undefined for an absent header, in either shape", () => {
    expect(headerValue(record, "x-missing")).toBeUndefined();
    expect(firstHeaderValue({ "x-gone": undefined }, "x-gone")).toBeUndefined();
    expect(headerValue(new Headers(), "x-missing")).toBeUndefined();
  });

  it("agree with forEachHeader on every header of a record", () => {
    const seen: Record<string, string> = {};
    forEachHeader(record, (name, value) => {
      seen[name] = value;
    });
    for (const [name, value] of Object.entries(seen)) expect(headerValue(record, name)).toBe(value);
  });
});
