// Retry-After (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. Anything else is undefined, and the
// caller falls back to its own backoff.

const DELTA = /^\s*\d+(\.\d+)?\s*$/;
// IMF-fixdate, RFC 850 and asctime all name a weekday and a month; random text does not.
const HTTP_DATE =
  /^\s*(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+.*\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b.*\d{1,2}:\d{2}:\d{2}/i;

/** Milliseconds to wait, or undefined when the value is missing or unparsable. */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  // A delta too big for a double ("999…9") is still "wait very long", not Infinity: cap it.
  if (DELTA.test(value)) return Math.min(Math.round(Number(value) * 1000), Number.MAX_SAFE_INTEGER);
  if (value.length > 64 || !HTTP_DATE.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
