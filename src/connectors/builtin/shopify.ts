// Shopify REST Admin API: an Admin API access token in X-Shopify-Access-Token; pages are followed
// through the Link header (rel="next", a page_info cursor), at most 250 per page (limit). fromName's
// `token` is that access token (iki-apikit's token="shpat_...").
import { checkOption, defineConnector, hostOption } from "../define.js";

export const shopify = defineConnector({
  name: "shopify",
  description:
    "Shopify REST Admin API (e.g. /products.json): Link-header pagination with page_info cursors, 250 per page.",
  docs: "https://shopify.dev/docs/api/admin-rest/usage/pagination",
  authType: "apikey",
  credentials: { apiKey: "SHOPIFY_ACCESS_TOKEN" },
  tokenAs: "apiKey",
  options: {
    storeDomain: {
      description: 'the shop, as "mystore" or "mystore.myshopify.com"',
      required: true,
      unlessGiven: ["baseUrl"],
    },
    apiVersion: { description: "the Admin API version (YYYY-MM, quarterly)", default: "2026-07" },
  },
  build: (o, urls) => {
    // Missing only when the caller gave baseUrl (defineConnector checked).
    const host = o.storeDomain && hostOption("shopify", "storeDomain", o.storeDomain, "myshopify.com");
    const version = checkOption(
      "shopify",
      "apiVersion",
      o.apiVersion!,
      /^(\d{4}-(01|04|07|10)|unstable)$/,
      "a version like 2026-07",
    );
    return {
      baseUrl: urls.baseUrl ?? `https://${host}/admin/api/${version}`,
      auth: { type: "apikey", header: "X-Shopify-Access-Token" },
      pagination: { strategy: "link", pageSize: 250, limitParam: "limit" },
    };
  },
});
