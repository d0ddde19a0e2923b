// RFC 8288 Link headers, read with a hand-written scanner (no backtracking regex): commas inside
// <...> and quoted strings do not split entries, and nothing in the input can make it throw or hang.

export interface LinkEntry {
  url: string;
  rel: string[];
  params: Record<string, string>;
}

export function parseLinkHeader(value: string | undefined, baseUrl?: string): LinkEntry[] {
  if (!value) return [];
  const out: LinkEntry[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    const open = value.indexOf("<", i);
    if (open < 0) break;
    const close = value.indexOf(">", open + 1);
    if (close < 0) break;
    const target = value.slice(open + 1, close).trim();
    i = close + 1;
    const params: Record<string, string> = {};
    // Parameters run until a comma outside quotes.
    while (i < n) {
      while (i < n && (value[i] === " " || value[i] === "\t")) i++;
      if (value[i] === ",") {
        i++;
        break;
      }
      if (value[i] !== ";") {
        // Junk: skip to the next comma outside quotes.
        while (i < n && value[i] !== ",") i++;
        continue;
      }
      i++;
      while (i < n && (value[i] === " " || value[i] === "\t")) i++;
      let name = "";
      while (i < n && value[i] !== "=" && value[i] !== ";" && value[i] !== ",") name += value[i++];
      name = name.trim().toLowerCase();
      let paramValue = "";
      if (value[i] === "=") {
        i++;
        while (i < n && value[i] === " ") i++;
        if (value[i] === '"') {
          i++;
          while (i < n && value[i] !== '"') {
            if (value[i] === "\\" && i + 1 < n) i++;
            paramValue += value[i++];
          }
          i++;
        } else {
          while (i < n && value[i] !== ";" && value[i] !== ",") paramValue += value[i++];
          paramValue = paramValue.trim();
        }
      }
      // The first of a repeated parameter wins. Own keys only: `in` would see "constructor" on the
      // prototype, and assigning "__proto__" would set the prototype instead of a parameter.
      if (name && !Object.hasOwn(params, name))
        Object.defineProperty(params, name, {
          value: paramValue,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    let url: string;
    try {
      url = baseUrl ? new URL(target, baseUrl).toString() : new URL(target).toString();
    } catch {
      if (baseUrl) continue;
      url = target;
    }
    const rel = (params.rel ?? "")
      .split(/\s+/)
      .filter(Boolean)
      .map((r) => r.toLowerCase());
    out.push({ url, rel, params });
  }
  return out;
}

export function findLink(value: string | undefined, rel: string, baseUrl?: string): string | undefined {
  const wanted = rel.toLowerCase();
  return parseLinkHeader(value, baseUrl).find((entry) => entry.rel.includes(wanted))?.url;
}
