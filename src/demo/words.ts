// Word lists for the demo records: names, places and titles with accents, non-Latin scripts and emoji,
// so that every output is seen handling real-world text.

export const FIRST_NAMES = [
  "Ada",
  "Zoë",
  "José",
  "Łukasz",
  "Søren",
  "Ayşe",
  "Chloé",
  "Björn",
  "Nguyễn",
  "Aiko",
  "Олена",
  "محمد",
  "Priya",
  "Kwame",
  "Inés",
  "Ólafur",
] as const;

export const LAST_NAMES = [
  "Müller",
  "García",
  "O'Brien",
  "Žukauskas",
  "Kowalski",
  "山田",
  "Иванова",
  "Ødegaard",
  "Nakamura",
  "Dubois",
  "Mensah",
  "Sharma",
  "da Silva",
  "Nørgaard",
] as const;

export const PLACES = [
  { city: "São Paulo", country: "BR", lat: -23.5505, lng: -46.6333 },
  { city: "Zürich", country: "CH", lat: 47.3769, lng: 8.5417 },
  { city: "Kraków", country: "PL", lat: 50.0647, lng: 19.945 },
  { city: "東京", country: "JP", lat: 35.6762, lng: 139.6503 },
  { city: "Reykjavík", country: "IS", lat: 64.1466, lng: -21.9426 },
  { city: "Montréal", country: "CA", lat: 45.5019, lng: -73.5674 },
  { city: "İstanbul", country: "TR", lat: 41.0082, lng: 28.9784 },
  { city: "Malmö", country: "SE", lat: 55.605, lng: 13.0038 },
  { city: "Accra", country: "GH", lat: 5.6037, lng: -0.187 },
  { city: "Ciudad de México", country: "MX", lat: 19.4326, lng: -99.1332 },
] as const;

export const STREETS = [
  "Hauptstraße",
  "Rue de la Paix",
  "Main Street",
  "Calle Mayor",
  "Ulica Długa",
] as const;

export const USER_TAGS = ["beta", "vip", "newsletter", "churn-risk", "früh", "enterprise"] as const;

export const PRODUCT_WORDS = [
  "Café mug ☕",
  "Ünïcödé T-shirt",
  "Notebook 📓",
  "Smørrebrød plate",
  "Crème brûlée torch",
  "Jalapeño sauce 🌶️",
  "Piñata kit",
  "Matcha 抹茶 tin",
  "Fjällräven-style pack",
  "Résumé template",
] as const;

export const PRODUCT_TAGS = ["new", "sale", "eco", "handmade", "bestseller", "limited"] as const;

export const COLORS = ["black", "white", "crimson", "teal", "ochre"] as const;
export const SIZES = ["XS", "S", "M", "L", "XL"] as const;
export const CURRENCIES = ["EUR", "USD", "GBP", "JPY"] as const;
export const ORDER_STATUSES = ["pending", "paid", "shipped", "delivered", "refunded"] as const;
export const SHIPPING_METHODS = ["standard", "express", "pickup"] as const;
export const EVENT_TYPES = ["page_view", "search", "add_to_cart", "purchase", "signup"] as const;
export const SEARCH_TERMS = ["crème", "日本茶", "mug", "größe M", "regalo 🎁", "jalapeño"] as const;
export const REVIEW_TITLES = [
  "Love it ❤️",
  "Not what I expected",
  "Très bien",
  "Sehr gut, aber teuer",
  "素晴らしい",
  "Meh.",
  "Would buy again 👍",
] as const;
export const REVIEW_BODIES = [
  "Arrived quickly and works as described.",
  "The colour is a bit off — but the quality is great.",
  "Qualität top, Versand langsam.",
  "Perfecto para regalar. ¡Gracias!",
  "思ったより小さいです。",
  "Line one\nline two: reviews can span lines.",
] as const;
