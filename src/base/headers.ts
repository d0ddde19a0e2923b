// The one place headers are read: response headers come as undici's (or node:http's) lower-cased
// record, whose values may be arrays, or as a fetch Headers; every folder reads them through here.
export type HeaderInput = Readonly<Record<string, string | string[] | undefined>> | Headers;

function isFetchHeaders(headers: HeaderInput): headers is Headers {
  return typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function";
}

/** The field as stored: a string, the array of a repeated field, or undefined. Case-insensitive. */
function rawHeader(headers: HeaderInput, name: string): string | readonly string[] | undefined {
  if (isFetchHeaders(headers)) return headers.get(name) ?? undefined;
  const key = name.toLowerCase();
  const value = headers[key];
  if (value !== undefined) return value;
  // undici and node:http lower-case the names; a record built by hand (a test, a custom fetch) may not.
  for (const other in headers) if (other.toLowerCase() === key) return headers[other];
  return undefined;
}

/**
 * A header's value, case-insensitively, with a repeated field's values joined by ", " (RFC 9110
 * §5.3, as Headers.get does): for list fields such as Link, and for showing a value. Undefined when
 * the header is absent.
 */
export function headerValue(headers: HeaderInput, name: string): string | undefined {
  const value = rawHeader(headers, name);
  return typeof value === "string" || value === undefined ? value : value.join(", ");
}

/**
 * The first value of a header that may appear only once (Retry-After, Content-Length, a signature),
 * case-insensitively: a sender that repeats it should not turn it into a joined value that no longer
 * parses. A fetch Headers has already joined them; its value is given as it is.
 */
export function firstHeaderValue(headers: HeaderInput, name: string): string | undefined {
  const value = rawHeader(headers, name);
  return typeof value === "string" || value === undefined ? value : value[0];
}

/**
 * Calls `visit` once per header with its lower-cased name and its value (repeated values joined with
 * ", "), whichever shape the headers come in. No array is built: the rate-limit gate runs this on
 * every response.
 */
export function forEachHeader(headers: HeaderInput, visit: (name: string, value: string) => void): void {
  if (isFetchHeaders(headers)) {
    headers.forEach((value, key) => {
      visit(key.toLowerCase(), value);
    });
    return;
  }
  for (const key in headers) {
    const value = headers[key];
    if (value !== undefined) visit(key.toLowerCase(), typeof value === "string" ? value : value.join(", "));
  }
}

export function headerEntries(headers: HeaderInput): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  forEachHeader(headers, (name, value) => void out.push([name, value]));
  return out;
}
