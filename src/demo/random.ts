// A small seeded PRNG (mulberry32) and pickers. Every record gets its own generator, seeded from
// (seed, resource, index), so record i is the same whatever the size and whichever page asks for it.

export type Random = () => number;

/** FNV-1a over a string: a well-spread 32-bit seed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function recordRandom(seed: number, resource: string, index: number): Random {
  return mulberry32(hash32(`${seed}:${resource}:${index}`));
}

/** An integer in [min, max]. */
export function int(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pick<T>(random: Random, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

/** Up to `max` distinct values, in the order of `values`. */
export function some<T>(random: Random, values: readonly T[], max: number): T[] {
  const count = int(random, 0, max);
  const chosen = new Set<T>();
  for (let i = 0; i < count; i++) chosen.add(pick(random, values));
  return values.filter((v) => chosen.has(v));
}

/** `value`, or null with the given probability. */
export function maybe<T>(random: Random, nullChance: number, value: () => T): T | null {
  return random() < nullChance ? null : value();
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

const BASE_MS = Date.UTC(2024, 0, 1);

/** An ISO timestamp `index` steps after 2024-01-01, jittered within the step. */
export function timestamp(random: Random, index: number, stepMinutes: number): string {
  const ms = BASE_MS + index * stepMinutes * 60_000 + Math.floor(random() * stepMinutes * 60_000);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
