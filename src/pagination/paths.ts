// Dot paths into JSON ("data.items", "data.-1.id", "a\.b" for a key with a dot), parsed once and
// cached, since the same few paths are read on every page.
import { ConfigError } from "../errors.js";

export type PathSegment = string | number;

const cache = new Map<string, PathSegment[]>();
const CACHE_LIMIT = 1000;
const INTEGER = /^-?\d+$/;

export function parsePath(path: string): PathSegment[] {
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
      segments.push(raw && INTEGER.test(current) ? Number(current) : current);
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
  const segments = typeof path === "string" ? parsePath(path) : path;
  let current: unknown = value;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return undefined;
    if (Array.isArray(current)) {
      if (typeof segment !== "number") return undefined;
      current = current[segment < 0 ? current.length + segment : segment];
    } else {
      current = (current as Record<string, unknown>)[String(segment)];
    }
  }
  return current;
}

export function hasPath(value: unknown, path: string | readonly PathSegment[]): boolean {
  return getPath(value, path) !== undefined;
}

/** Sets a value at a path, creating plain objects on the way (numeric segments become keys). */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = parsePath(path);
  if (segments.length === 0) return;
  let current: Record<string, unknown> = target;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = String(segments[i]);
    const next = current[key];
    if (next === null || typeof next !== "object") current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  current[String(segments[segments.length - 1])] = value;
}
