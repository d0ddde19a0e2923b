// Response headers come as undici's lower-cased record (values may be arrays) or as a fetch Headers.
export type HeaderInput = Record<string, string | string[] | undefined> | Headers;

/**
 * Calls `visit` once per header with its lower-cased name and its value (repeated values joined with
 * ", "), whichever shape the headers come in. No array is built: the rate-limit gate runs this on
 * every response.
 */
export function forEachHeader(headers: HeaderInput, visit: (name: string, value: string) => void): void {
  if (typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function") {
    (headers as Headers).forEach((value, key) => {
      visit(key.toLowerCase(), value);
    });
    return;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  for (const key in record) {
    const value = record[key];
    if (value !== undefined) visit(key.toLowerCase(), Array.isArray(value) ? value.join(", ") : value);
  }
}

export function headerEntries(headers: HeaderInput): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  forEachHeader(headers, (name, value) => void out.push([name, value]));
  return out;
}
