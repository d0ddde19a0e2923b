// GitHub REST API: a bearer token, the versioned JSON media type, and pages followed through the
// Link header (rel="next"), 100 per page (per_page, the documented maximum).
import { checkOption, defineConnector } from "../define.js";

export const github = defineConnector({
  name: "github",
  description:
    "GitHub REST API (repos, issues, pulls, ...): Link-header pagination, 100 per page. Search endpoints keep records under items (found without a dataPath).",
  docs: "https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api",
  authType: "bearer",
  credentials: { token: "GITHUB_TOKEN" },
  options: {
    apiUrl: {
      description: "the API root; for GitHub Enterprise Server use https://HOST/api/v3",
      default: "https://api.github.com",
    },
    apiVersion: { description: "the X-GitHub-Api-Version header", default: "2022-11-28" },
  },
  build: (o) => ({
    baseUrl: checkOption("github", "apiUrl", o.apiUrl!, /^https?:\/\/\S+$/i, "an http(s) URL"),
    auth: { type: "bearer" },
    headers: {
      Accept: "application/vnd.github+json",
      "X-GitHub-Api-Version": checkOption(
        "github",
        "apiVersion",
        o.apiVersion!,
        /^\d{4}-\d{2}-\d{2}$/,
        "a date like 2022-11-28",
      ),
    },
    pagination: { strategy: "link", pageSize: 100, limitParam: "per_page" },
  }),
});
