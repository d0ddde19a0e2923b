// Jira Cloud platform REST API v3: basic auth with the account email and an API token; lists page by
// startAt/maxResults and end at total. Records sit under "values" on most endpoints and "issues" on
// search, so no dataPath is set: the loop finds the array on the first page. fromName's `token` is
// iki-apikit's "email:api_token"; a token without ":" is the API token, the email then coming from
// `username` or JIRA_EMAIL.
import { defineConnector, hostOption } from "../define.js";

export const jira = defineConnector({
  name: "jira",
  description:
    'Jira Cloud REST API v3: startAt/maxResults/total offset pagination, up to 100 per page (Jira may cap it lower; the offset follows what arrives). Records are found under values or issues; pass { dataPath: "issues" } if a search response also carries warningMessages. /search/jql pages by token instead: pass { strategy: "cursor", cursorParam: "nextPageToken", nextCursorPath: "nextPageToken", dataPath: "issues" }.',
  docs: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#pagination",
  authType: "basic",
  credentials: { username: "JIRA_EMAIL", password: "JIRA_API_TOKEN" },
  tokenAs: "username:password",
  options: {
    siteDomain: {
      description: 'the Jira site, as "mysite" or "mysite.atlassian.net"',
      required: true,
      unlessGiven: ["baseUrl"],
    },
  },
  build: (o, urls) => ({
    // siteDomain is missing only when the caller gave baseUrl (defineConnector checked).
    baseUrl:
      urls.baseUrl ??
      `https://${hostOption("jira", "siteDomain", o.siteDomain!, "atlassian.net")}/rest/api/3`,
    auth: { type: "basic" },
    pagination: {
      strategy: "offset",
      offsetParam: "startAt",
      limitParam: "maxResults",
      totalPath: "total",
      pageSize: 100,
    },
  }),
});
