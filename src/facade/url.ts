// Joining base URL, path and query parameters. A base URL's own path is kept (https://h/api/v2 +
// /users → https://h/api/v2/users); repeated parameters (ids=1&ids=2) are preserved.

export type ParamValue = string | number | boolean | bigint | null | undefined;
export type Params = Record<string, ParamValue | readonly ParamValue[]>;

export function buildUrl(baseUrl: string | undefined, path: string, params?: Params): URL {
  let url: URL;
  if (/^https?:\/\//i.test(path)) url = new URL(path);
  else {
    if (!baseUrl) throw new TypeError(`"${path}" is not an absolute URL and the client has no baseUrl`);
    const base = baseUrl.replace(/\/+$/, "");
    url = new URL(path === "" ? base : `${base}/${path.replace(/^\/+/, "")}`);
  }
  if (params) appendParams(url, params);
  return url;
}

export function appendParams(url: URL, params: Params): void {
  for (const [name, value] of Object.entries(params)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values as ParamValue[]) {
      if (v === undefined || v === null) continue;
      url.searchParams.append(name, String(v));
    }
  }
}
