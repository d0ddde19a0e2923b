// A pull run in its own process, so a test can SIGKILL it mid-way: node pull-child.mjs <baseUrl>
// <strategy> <format> <file> <checkpoint>. Prints the result as JSON on success.
import { Apikit } from "../../dist/index.js";

const [baseUrl, strategy, format, filePath, checkpoint] = process.argv.slice(2);
const pagination = {
  offset: { strategy: "offset", pageSize: 10, dataPath: "items", totalPath: "total" },
  page: { strategy: "page", pageSize: 10, dataPath: "items", totalPagesPath: "pages" },
  cursor: { strategy: "cursor", pageSize: 10, dataPath: "items", hasMorePath: "has_more" },
  link: { strategy: "link", pageSize: 10, dataPath: "items" },
  auto: { strategy: "auto", dataPath: "items" },
}[strategy];
const client = new Apikit({ baseUrl, retry: { initialDelayMs: 1, maxDelayMs: 5 } });
const result =
  strategy === "relay"
    ? await client.graphqlToFile(
        "/relay",
        "query ($first: Int, $after: String) { items(first: $first, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }",
        {
          connectionPath: "items",
          pageSize: 10,
          filePath,
          format,
          checkpoint,
        },
      )
    : await client.fetchToFile(`/${strategy}`, { ...pagination, filePath, format, checkpoint });
await client.close();
process.stdout.write(JSON.stringify(result));
