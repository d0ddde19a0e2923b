// Response headers come as undici's lower-cased record (values may be arrays) or as a fetch Headers.
export type HeaderInput = Record<string, string | string[] | undefined> | Headers;

export function headerValue(headers: HeaderInput | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  if (typeof (headers as Headers).get === "function" && !(lower in headers)) {
    return (headers as Headers).get(lower) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[lower] ?? record[name];
  if (value !== undefined) return Array.isArray(value) ? value.join(", ") : value;
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === lower) {
      const v = record[key];
      return Array.isArray(v) ? v.join(", ") : v;
    }
  }
  return undefined;
}

export function headerEntries(headers: HeaderInput): Array<[string, string]> {
  if (typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function") {
    const out: Array<[string, string]> = [];
    (headers as Headers).forEach((value, key) => void out.push([key.toLowerCase(), value]));
    return out;
  }
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (value === undefined) continue;
    out.push([key.toLowerCase(), Array.isArray(value) ? value.join(", ") : value]);
  }
  return out;
}
