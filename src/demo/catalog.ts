// What the demo API serves, resource by resource: the path, the pagination style, the query
// parameters and the response shape, plus the apikit options that pull it. The server's index page,
// `apikit demo` and the tests all read this one table.
import type { PaginationConfigInput } from "../config/index.js";
import type { DemoResource } from "./records.js";

export interface DemoResourceInfo {
  name: DemoResource;
  method: "GET" | "POST";
  path: string;
  /** The pagination style, as a person would name it. */
  style: string;
  params: string;
  shape: string;
  /** How apikit pulls it with an explicit strategy (REST resources). */
  pagination?: PaginationConfigInput;
}

export const DEMO_CATALOG: readonly DemoResourceInfo[] = [
  {
    name: "users",
    method: "GET",
    path: "/users",
    style: "offset + total",
    params: "offset (default 0), limit (default 25)",
    shape: "{ total, offset, limit, users: [...] }",
    pagination: { strategy: "offset", offsetParam: "offset", limitParam: "limit", totalPath: "total" },
  },
  {
    name: "orders",
    method: "GET",
    path: "/orders",
    style: "page number",
    params: "page (from 1), per_page (default 25)",
    shape: "{ page, per_page, total_pages, total, data: [...] }",
    pagination: {
      strategy: "page",
      pageParam: "page",
      limitParam: "per_page",
      totalPagesPath: "total_pages",
    },
  },
  {
    name: "events",
    method: "GET",
    path: "/events",
    style: "cursor + has_more",
    params: "cursor (opaque, from next_cursor), limit (default 25)",
    shape: "{ data: [...], next_cursor, has_more }",
    pagination: {
      strategy: "cursor",
      cursorParam: "cursor",
      limitParam: "limit",
      nextCursorPath: "next_cursor",
      hasMorePath: "has_more",
    },
  },
  {
    name: "products",
    method: "GET",
    path: "/products",
    style: "Link header",
    params: "page (from 1), per_page (default 25)",
    shape: '[...] with Link: <…>; rel="next", <…>; rel="last" (and X-Total-Count)',
    pagination: { strategy: "link", limitParam: "per_page" },
  },
  {
    name: "reviews",
    method: "POST",
    path: "/graphql",
    style: "GraphQL Relay",
    params: "reviews(first: Int, after: String)",
    shape:
      "{ data: { reviews: { edges: [{ cursor, node }], nodes, pageInfo { hasNextPage endCursor }, totalCount } } }",
  },
];

export function catalogEntry(name: DemoResource): DemoResourceInfo {
  return DEMO_CATALOG.find((r) => r.name === name)!;
}
