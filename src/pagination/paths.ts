// Dot paths into JSON ("data.items", "data.-1.id", "a\.b" for a key with a dot), parsed once and
// cached, since the same few paths are read on every page.
import { ConfigError } from "../errors.js";

export type PathSegment = string | number;

const cache = new Map<string, readonly PathSegment[]>();
const CACHE_LIMIT = 1000;
const INTEGER = /^-?\d+$/;

/** An unescaped segment is an index when it is an integer written the one way JS writes it back. */
function isIndex(text: string): boolean {
  if (!INTEGER.test(text)) return false;
  // "007", "-0" and 20-digit numbers stay keys: as numbers they would name another key ("7", "0")
  // or a rounded one.
  const n = Number(text);
  return Number.isSafeInteger(n) && String(n) === text;
}

/** The segments of a dot path; a fresh array each call, so the caller may change it. */
export function parsePath(path: string): PathSegment[] {
  return [...segmentsOf(path)];
}

/** The cached (shared, so never to be changed) segments of a path. */
function segmentsOf(path: string): readonly PathSegment[] {
  const cached = cache.get(path);
  if (cached) return cached;
  const segments: PathSegment[] = [];
  if (path !== "") {
    let current = "";
    let escaped = false;
    let raw = true;
    const push = () => {
      if (current === "")
        throw new ConfigError(`invalid path "${path}": empty segment`, [{ path, message: "empty segment" }]);
      segments.push(raw && isIndex(current) ? Number(current) : current);
      current = "";
      raw = true;
    };
    for (const char of path) {
      if (escaped) {
        current += char;
        escaped = false;
        raw = false;
      } else if (char === "\\") escaped = true;
      else if (char === ".") push();
      else current += char;
    }
    if (escaped)
      throw new ConfigError(`invalid path "${path}": ends with a lone backslash`, [
        { path, message: "trailing backslash" },
      ]);
    push();
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(path, segments);
  return segments;
}

export function getPath(value: unknown, path: string | readonly PathSegment[]): unknown {
  const segments = typeof path === "string" ? segmentsOf(path) : path;
  let current: unknown = value;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return undefined;
    if (Array.isArray(current)) {
      if (typeof segment !== "number") return undefined;
      current = current[segment < 0 ? current.length + segment : segment];
    } else {
      // Own keys only: "constructor" or "__proto__" must not read the prototype.
      const key = String(segment);
      current = Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : undefined;
    }
  }
  return current;
}

export function hasPath(value: unknown, path: string | readonly PathSegment[]): boolean {
  return getPath(value, path) !== undefined;
}

/** Sets a value at a path, creating plain objects on the way (numeric segments become keys). */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = segmentsOf(path);
  if (segments.length === 0) return;
  let current: Record<string, unknown> = target;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = String(segments[i]);
    const next = Object.hasOwn(current, key) ? current[key] : undefined;
    if (next === null || typeof next !== "object") setOwn(current, key, {});
    current = current[key] as Record<string, unknown>;
  }
  setOwn(current, String(segments[segments.length - 1]), value);
}

/** target[key] = value as an own property: assigning "__proto__" would replace the prototype instead. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
