// Airtable Web API: a personal access token as bearer token; list records returns { records, offset }
// and the next page is asked for with offset=<that token>, at most 100 per page (pageSize).
import { defineConnector } from "../define.js";

export const airtable = defineConnector({
  name: "airtable",
  description:
    "Airtable Web API (e.g. /{baseId}/{tableIdOrName}): offset token until the response has none, 100 records per page.",
  docs: "https://airtable.com/developers/web/api/list-records",
  authType: "bearer",
  credentials: { token: "AIRTABLE_TOKEN" },
  build: () => ({
    baseUrl: "https://api.airtable.com/v0",
    auth: { type: "bearer" },
    pagination: {
      strategy: "cursor",
      dataPath: "records",
      nextCursorPath: "offset",
      cursorParam: "offset",
      limitParam: "pageSize",
      pageSize: 100,
    },
  }),
});
