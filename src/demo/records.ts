// The demo's records: one generator per resource, nested JSON with arrays, unicode and nulls, and
// deterministic: record i depends only on (seed, resource, i), so a smaller size is a prefix.
import { int, maybe, pick, type Random, recordRandom, round, some, timestamp } from "./random.js";
import * as w from "./words.js";

export const DEMO_RESOURCES = ["users", "orders", "events", "products", "reviews"] as const;
export type DemoResource = (typeof DEMO_RESOURCES)[number];

export const DEFAULT_SEED = 42;

type Generator = (random: Random, index: number) => Record<string, unknown>;

function user(r: Random, i: number) {
  const place = pick(r, w.PLACES);
  const first = pick(r, w.FIRST_NAMES);
  return {
    id: i + 1,
    username: `${first.toLowerCase()}_${i + 1}`,
    name: `${first} ${pick(r, w.LAST_NAMES)}`,
    email: `user${i + 1}@example.com`,
    age: maybe(r, 0.15, () => int(r, 18, 90)),
    active: r() < 0.8,
    score: round(r() * 100, 2),
    phone: maybe(r, 0.4, () => `+${int(r, 1, 99)} ${int(r, 100, 999)} ${int(r, 1000, 9999)}`),
    address: {
      street: `${pick(r, w.STREETS)} ${int(r, 1, 200)}`,
      city: place.city,
      country: place.country,
      zip: maybe(r, 0.2, () => String(int(r, 10000, 99999))),
      geo: { lat: round(place.lat + (r() - 0.5) / 10, 4), lng: round(place.lng + (r() - 0.5) / 10, 4) },
    },
    tags: some(r, w.USER_TAGS, 3),
    created_at: timestamp(r, i, 97),
  };
}

function order(r: Random, i: number) {
  const currency = pick(r, w.CURRENCIES);
  const digits = currency === "JPY" ? 0 : 2;
  const items = Array.from({ length: int(r, 1, 4) }, () => {
    const productId = int(r, 1, i + 1);
    return {
      product_id: productId,
      sku: `SKU-${String(productId).padStart(5, "0")}`,
      quantity: int(r, 1, 5),
      unit_price: round(1 + r() * (currency === "JPY" ? 9000 : 90), digits),
    };
  });
  const pickup = r() < 0.25;
  const destination = pick(r, w.PLACES);
  return {
    id: `ord_${String(i + 1).padStart(6, "0")}`,
    number: i + 1,
    user_id: int(r, 1, i + 1),
    status: pick(r, w.ORDER_STATUSES),
    currency,
    items,
    total: round(
      items.reduce((sum, item) => sum + item.quantity * item.unit_price, 0),
      digits,
    ),
    shipping: pickup
      ? null
      : {
          method: pick(r, w.SHIPPING_METHODS),
          address: { city: destination.city, country: destination.country },
        },
    coupon: maybe(r, 0.7, () => `SAVE${int(r, 5, 30)}`),
    placed_at: timestamp(r, i, 61),
  };
}

function event(r: Random, i: number) {
  const type = pick(r, w.EVENT_TYPES);
  const properties: Record<string, unknown> = {
    path: type === "search" ? "/search" : `/products/${int(r, 1, i + 1)}`,
    referrer: maybe(r, 0.5, () => pick(r, ["https://www.google.com/", "https://news.ycombinator.com/"])),
    duration_ms: int(r, 5, 30_000),
  };
  if (type === "search") properties.query = pick(r, w.SEARCH_TERMS);
  if (type === "purchase") properties.order_id = `ord_${String(int(r, 1, i + 1)).padStart(6, "0")}`;
  return {
    id: `evt_${String(i + 1).padStart(7, "0")}`,
    type,
    user_id: maybe(r, 0.3, () => int(r, 1, i + 1)),
    occurred_at: timestamp(r, i, 7),
    properties,
    labels: some(r, ["mobile", "desktop", "bot", "ab:test-b"], 2),
  };
}

function product(r: Random, i: number) {
  const currency = pick(r, w.CURRENCIES);
  return {
    id: i + 1,
    sku: `SKU-${String(i + 1).padStart(5, "0")}`,
    title: `${pick(r, w.PRODUCT_WORDS)} #${i + 1}`,
    description: maybe(r, 0.3, () => `${pick(r, w.REVIEW_BODIES)}`),
    price: {
      amount: round(1 + r() * (currency === "JPY" ? 9000 : 90), currency === "JPY" ? 0 : 2),
      currency,
    },
    dimensions_cm: maybe(r, 0.35, () => ({ w: int(r, 1, 60), h: int(r, 1, 60), d: int(r, 1, 60) })),
    tags: some(r, w.PRODUCT_TAGS, 3),
    in_stock: r() < 0.75,
    stock: int(r, 0, 500),
    rating: maybe(r, 0.25, () => round(1 + r() * 4, 1)),
    variants: Array.from({ length: int(r, 0, 3) }, () => ({
      color: pick(r, w.COLORS),
      size: pick(r, w.SIZES),
    })),
  };
}

function review(r: Random, i: number) {
  const place = pick(r, w.PLACES);
  return {
    id: `rev_${String(i + 1).padStart(6, "0")}`,
    productId: int(r, 1, i + 1),
    rating: int(r, 1, 5),
    title: pick(r, w.REVIEW_TITLES),
    body: maybe(r, 0.3, () => pick(r, w.REVIEW_BODIES)),
    author: {
      name: `${pick(r, w.FIRST_NAMES)} ${pick(r, w.LAST_NAMES)}`,
      country: maybe(r, 0.2, () => place.country),
    },
    tags: some(r, ["verified", "gift", "repeat-buyer", "photo"], 2),
    helpfulVotes: int(r, 0, 120),
    createdAt: timestamp(r, i, 113),
  };
}

const GENERATORS: Record<DemoResource, Generator> = {
  users: user,
  orders: order,
  events: event,
  products: product,
  reviews: review,
};

/** Record `index` (0-based) of a resource. */
export function demoRecord(
  resource: DemoResource,
  index: number,
  seed = DEFAULT_SEED,
): Record<string, unknown> {
  return GENERATORS[resource](recordRandom(seed, resource, index), index);
}

/** Records [start, end) of a resource, generated on demand (nothing is held between requests). */
export function demoRecordRange(
  resource: DemoResource,
  start: number,
  end: number,
  seed = DEFAULT_SEED,
): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let i = Math.max(0, start); i < end; i++) out.push(demoRecord(resource, i, seed));
  return out;
}

/** Every record of a resource, as the demo server serves them: what a complete pull must return. */
export function demoRecords(
  resource: DemoResource,
  options: { size?: number; seed?: number } = {},
): Array<Record<string, unknown>> {
  return demoRecordRange(resource, 0, options.size ?? DEFAULT_SIZE, options.seed ?? DEFAULT_SEED);
}

export const DEFAULT_SIZE = 250;
