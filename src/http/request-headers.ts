// undici accepts request headers as an object, a flat [name, value, ...] array or an iterable of
// pairs; interceptors that read or add headers normalise them to one lower-cased object first.
import type { Dispatcher } from "undici";

export type RequestHeaders = Record<string, string>;

export function normalizeRequestHeaders(headers: Dispatcher.DispatchOptions["headers"]): RequestHeaders {
  const out: RequestHeaders = {};
  if (headers == null) return out;
  const add = (name: unknown, value: unknown) => {
    if (value === undefined || value === null) return;
    const key = String(name).toLowerCase();
    const text = Array.isArray(value) ? value.join(", ") : String(value);
    out[key] = out[key] === undefined ? text : `${out[key]}, ${text}`;
  };
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) {
      for (const pair of headers as unknown as Array<[unknown, unknown]>) add(pair[0], pair[1]);
    } else {
      for (let i = 0; i + 1 < headers.length; i += 2) add(headers[i], headers[i + 1]);
    }
    return out;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === "function") {
    for (const pair of headers as Iterable<[unknown, unknown]>) add(pair[0], pair[1]);
    return out;
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) add(name, value);
  return out;
}

export function hasRequestHeader(headers: Dispatcher.DispatchOptions["headers"], name: string): boolean {
  return normalizeRequestHeaders(headers)[name.toLowerCase()] !== undefined;
}
