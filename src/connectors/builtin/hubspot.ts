// HubSpot CRM API: a private-app access token as bearer token; lists return { results, paging } and
// the next page is asked for with after=paging.next.after, at most 100 per page (limit).
import { defineConnector } from "../define.js";

export const hubspot = defineConnector({
  name: "hubspot",
  description:
    'HubSpot CRM API (e.g. /crm/v3/objects/contacts): cursor after = paging.next.after, 100 per page. The search endpoints are POSTs taking after and limit in the JSON body: pass { method: "POST", body, cursorIn: "body" }.',
  docs: "https://developers.hubspot.com/docs/guides/api/crm/using-object-apis",
  authType: "bearer",
  credentials: { token: "HUBSPOT_ACCESS_TOKEN" },
  build: () => ({
    baseUrl: "https://api.hubapi.com",
    auth: { type: "bearer" },
    pagination: {
      strategy: "cursor",
      dataPath: "results",
      nextCursorPath: "paging.next.after",
      cursorParam: "after",
      limitParam: "limit",
      pageSize: 100,
    },
  }),
});
