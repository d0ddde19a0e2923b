// Notion API: an integration token as bearer token plus the Notion-Version header; lists return
// { results, next_cursor, has_more } and take start_cursor and page_size (≤ 100). Database queries
// and search are POSTs with both in the JSON body, which is the default here.
import { checkOption, defineConnector } from "../define.js";

export const notion = defineConnector({
  name: "notion",
  description:
    'Notion API: start_cursor = next_cursor while has_more, 100 per page, sent in the JSON body for the POST endpoints (databases/{id}/query, search). For the GET lists (users, blocks/{id}/children, comments) pass { cursorIn: "query" }.',
  docs: "https://developers.notion.com/reference/intro#pagination",
  authType: "bearer",
  credentials: { token: "NOTION_TOKEN" },
  options: {
    notionVersion: { description: "the Notion-Version header", default: "2022-06-28" },
  },
  build: (o) => ({
    baseUrl: "https://api.notion.com/v1",
    auth: { type: "bearer" },
    headers: {
      "Notion-Version": checkOption(
        "notion",
        "notionVersion",
        o.notionVersion!,
        /^\d{4}-\d{2}-\d{2}$/,
        "a date like 2022-06-28",
      ),
    },
    pagination: {
      strategy: "cursor",
      dataPath: "results",
      hasMorePath: "has_more",
      nextCursorPath: "next_cursor",
      cursorParam: "start_cursor",
      limitParam: "page_size",
      pageSize: 100,
      cursorIn: "body",
    },
  }),
});
