import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_STATUSES } from "../../src/config/index.js";
import { backoffDelay, decideRetry } from "../../src/http/index.js";

const statusCodes = DEFAULT_RETRY_STATUSES;
const err = (code: string) => Object.assign(new Error(code), { code });

describe("decideRetry", () => {
  it("retries 429 for every method", () => {
    for (const method of ["GET", "POST", "PATCH", "DELETE"])
      expect(decideRetry({ method, status: 429, statusCodes }).retry).toBe(true);
  });

  it("retries 408 and 5xx gateway statuses only for idempotent methods", () => {
    for (const status of [408, 500, 502, 503, 504]) {
      expect(decideRetry({ method: "GET", status, statusCodes }).retry).toBe(true);
      expect(decideRetry({ method: "PUT", status, statusCodes }).retry).toBe(true);
      expect(decideRetry({ method: "POST", status, statusCodes }).retry).toBe(false);
      expect(decideRetry({ method: "PATCH", status, statusCodes }).retry).toBe(false);
    }
  });

  it("retries POST on 5xx when it carries an Idempotency-Key", () => {
    expect(decideRetry({ method: "POST", status: 503, idempotencyKey: true, statusCodes }).retry).toBe(true);
  });

  it("never retries 401, 403 or other 4xx", () => {
    for (const status of [400, 401, 403, 404, 409, 422])
      expect(decideRetry({ method: "GET", status, statusCodes }).retry).toBe(false);
  });

  it("retries connect-phase errors for every method, a temporary DNS failure (EAI_AGAIN) included", () => {
    for (const code of ["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "EAI_AGAIN"]) {
      expect(decideRetry({ method: "POST", error: err(code), statusCodes }).retry).toBe(true);
    }
  });

  it("never retries a host that does not exist (ENOTFOUND): the same name fails the same way", () => {
    const decision = decideRetry({ method: "GET", error: err("ENOTFOUND"), statusCodes });
    expect(decision).toEqual({ retry: false, reason: "host not found (ENOTFOUND)" });
  });

  it("never retries a request on a closed or destroyed dispatcher", () => {
    for (const code of ["UND_ERR_CLOSED", "UND_ERR_DESTROYED"]) {
      const wrapped = new TypeError("fetch failed", { cause: err(code) });
      expect(decideRetry({ method: "GET", error: wrapped, statusCodes })).toEqual({
        retry: false,
        reason: `this client is closed (${code})`,
      });
    }
  });

  it("retries resets and timeouts only when the request may be repeated", () => {
    for (const code of ["ECONNRESET", "UND_ERR_SOCKET", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]) {
      expect(decideRetry({ method: "GET", error: err(code), statusCodes }).retry).toBe(true);
      expect(decideRetry({ method: "POST", error: err(code), statusCodes }).retry).toBe(false);
      expect(decideRetry({ method: "POST", error: err(code), idempotencyKey: true, statusCodes }).retry).toBe(
        true,
      );
    }
  });

  it("finds the code on a wrapped cause", () => {
    const wrapped = new TypeError("fetch failed", { cause: err("ECONNRESET") });
    expect(decideRetry({ method: "GET", error: wrapped, statusCodes }).retry).toBe(true);
  });

  it("never retries an abort or an unknown error", () => {
    const abort = Object.assign(new Error("aborted"), { name: "AbortError" });
    expect(decideRetry({ method: "GET", error: abort, statusCodes }).retry).toBe(false);
    expect(decideRetry({ method: "GET", error: new Error("boom"), statusCodes }).retry).toBe(false);
  });

  it("never retries a request whose body is a stream", () => {
    expect(decideRetry({ method: "PUT", status: 503, replayable: false, statusCodes }).retry).toBe(false);
  });

  it("gives the same answer however often it is asked (no shared state)", () => {
    const input = { method: "GET", status: 503, statusCodes };
    const answers = Array.from({ length: 50 }, () => decideRetry(input).retry);
    expect(new Set(answers)).toEqual(new Set([true]));
  });
});

describe("backoffDelay", () => {
  const options = { initialDelayMs: 1000, maxDelayMs: 60_000 };

  it("draws full jitter from zero up to the exponential ceiling", () => {
    expect(backoffDelay(1, options, () => 0)).toBe(0);
    expect(backoffDelay(1, options, () => 0.999999)).toBeCloseTo(1000, 0);
    expect(backoffDelay(3, options, () => 0.5)).toBe(2000);
  });

  it("never exceeds the cap", () => {
    expect(backoffDelay(30, options, () => 0.999999)).toBeLessThanOrEqual(60_000);
  });
});
