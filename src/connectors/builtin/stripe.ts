// Stripe API: a secret key as bearer token; list endpoints return { data, has_more } and the next
// page starts after the id of the last record (starting_after), at most 100 per page (limit).
import { checkOption, defineConnector } from "../define.js";

export const stripe = defineConnector({
  name: "stripe",
  description:
    'Stripe API list endpoints: has_more + starting_after (id of the last record), 100 per page. The secret key (sk_...) is the token (STRIPE_TOKEN, or STRIPE_API_KEY as Stripe\'s own tools call it). Search endpoints page differently: pass { cursorFromLastRecord: "", nextCursorPath: "next_page", cursorParam: "page" }.',
  docs: "https://docs.stripe.com/api/pagination",
  authType: "bearer",
  credentials: { token: ["STRIPE_TOKEN", "STRIPE_API_KEY"] },
  options: {
    apiVersion: {
      description: "a Stripe-Version header (e.g. 2025-09-30.clover); the account default when unset",
    },
  },
  build: (o) => {
    const headers: Record<string, string> = {};
    if (o.apiVersion) {
      headers["Stripe-Version"] = checkOption(
        "stripe",
        "apiVersion",
        o.apiVersion,
        /^\d{4}-\d{2}-\d{2}(\.\w+)?$/,
        "a version like 2025-09-30.clover",
      );
    }
    return {
      baseUrl: "https://api.stripe.com/v1",
      auth: { type: "bearer" },
      headers,
      pagination: {
        strategy: "cursor",
        dataPath: "data",
        hasMorePath: "has_more",
        cursorFromLastRecord: "id",
        cursorParam: "starting_after",
        limitParam: "limit",
        pageSize: 100,
      },
    };
  },
});
