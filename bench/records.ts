// Deterministic nested records for benchmarks: the shape of a typical API listing item.
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
