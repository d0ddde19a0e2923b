// Deterministic nested records for benchmarks: the shape of a typical API listing item.
import { mulberry32 } from "../src/demo/random.ts";

export interface BenchRecord {
  id: number;
  name: string;
  active: boolean;
  amount: number;
  created_at: string;
  address: { city: string; zip: string; geo: { lat: number; lng: number } };
  tags: string[];
  owner: { id: number; login: string; email: string | null };
}

const CITIES = ["Zürich", "Lisboa", "Kraków", "São Paulo", "東京", "Nairobi", "Montréal", "Reykjavík"];

export function benchRecord(i: number): BenchRecord {
  return {
    id: i,
    name: `item ${i}`,
    active: i % 3 !== 0,
    amount: Math.round(i * 7.31) / 100,
    created_at: new Date(1_700_000_000_000 + i * 60_000).toISOString(),
    address: {
      city: CITIES[i % CITIES.length]!,
      zip: String(10_000 + (i % 89_999)),
      geo: { lat: (i % 180) - 90 + 0.5, lng: (i % 360) - 180 + 0.25 },
    },
    tags: i % 4 === 0 ? [] : [`t${i % 7}`, `g${i % 5}`],
    owner: {
      id: i % 1000,
      login: `user${i % 1000}`,
      email: i % 10 === 0 ? null : `user${i % 1000}@example.com`,
    },
  };
}

/**
 * A record shaped like what real APIs send and what makes parsing expensive: floats with 15–17
 * significant digits (coordinates, ratios, exponents), ids and phone numbers as long digit strings,
 * text with unicode, emoji and escapes (\" \\ \n \t \u0000), nulls, nested objects and nested arrays.
 * No integer token outside a string reaches 16 digits: that is the common case the parser must not
 * pay for. Deterministic per index.
 */
export interface RealisticRecord {
  id: string;
  seq: number;
  external_id: string;
  name: string;
  email: string | null;
  phone: string;
  iban: string;
  lat: number;
  lng: number;
  score: number;
  tiny: number;
  price: number;
  balance: number | null;
  active: boolean;
  created_at: string;
  description: string;
  address: { street: string; city: string; postcode: string; country: string; geo: number[] };
  tags: string[];
  matrix: number[][];
  lines: Array<{ sku: string; qty: number; unit_price: number; note: string | null }>;
  meta: { source: string; version: number; checksum: string; flags: { beta: boolean; tier: string | null } };
}

const NAMES = [
  "Zoë Ångström",
  "José Núñez",
  "Łukasz Żółć",
  "Ōtani Shōhei",
  "Chloé d'Arcy",
  "Ngũgĩ wa Thiong'o",
];
const TEXTS = [
  'He said "ship it", then left\\n',
  "path C:\\\\data\\\\export\\t(tab)",
  "東京タワー 🗼 and 北京 — café ☕, naïve résumé",
  "emoji 🚀🔥👩‍💻 mixed with ASCII",
  "line one\nline two\r\nline three",
  'quote " backslash \\ slash / control \u0001 done',
  "order 12345678901234567 shipped to +44 20 7946 0958",
];

/** n digits, the first not 0. */
function digits(rand: () => number, n: number): string {
  let s = String(1 + Math.floor(rand() * 9));
  while (s.length < n) s += String(Math.floor(rand() * 1e6)).padStart(6, "0");
  return s.slice(0, n);
}

export function realisticRecord(i: number): RealisticRecord {
  const rand = mulberry32(i * 2654435761);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  return {
    id: digits(rand, 19),
    seq: i,
    external_id: digits(rand, 16),
    name: `${pick(NAMES)} #${i}`,
    email: i % 7 === 0 ? null : `user.${i}@exämple.com`,
    phone: `+49${digits(rand, 13)}`,
    iban: `DE${digits(rand, 20)}`,
    // Math.random-like doubles print with 16–17 significant digits.
    lat: rand() * 180 - 90,
    lng: rand() * 360 - 180,
    score: rand(),
    tiny: -rand() * 1e-7,
    price: Math.round(rand() * 100_000) / 100,
    balance: i % 5 === 0 ? null : (rand() - 0.5) * 1e7,
    active: rand() < 0.7,
    created_at: new Date(1_700_000_000_000 + i * 61_000).toISOString(),
    description: pick(TEXTS),
    address: {
      street: `${1 + (i % 300)} Rue de l'Église`,
      city: pick(["Zürich", "São Paulo", "東京", "Kraków", "Reykjavík", "Montréal"]),
      postcode: digits(rand, 5),
      country: pick(["CH", "BR", "JP", "PL", "IS", "CA"]),
      geo: [rand() * 180 - 90, rand() * 360 - 180],
    },
    tags: i % 4 === 0 ? [] : [pick(["α", "beta", "γάμμα"]), `tag-${i % 13}`],
    matrix: [
      [rand(), rand()],
      [i % 10, rand() * 1e3],
    ],
    lines: Array.from({ length: 1 + (i % 3) }, (_, k) => ({
      sku: digits(rand, 18),
      qty: 1 + ((i + k) % 9),
      unit_price: Math.round(rand() * 10_000) / 100,
      note: k === 0 ? null : pick(TEXTS),
    })),
    meta: {
      source: "api",
      version: 3,
      checksum: digits(rand, 32),
      flags: { beta: i % 2 === 0, tier: i % 3 === 0 ? null : "gold" },
    },
  };
}
