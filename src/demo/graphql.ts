// The demo's GraphQL endpoint: reviews as a Relay connection (first/after, edges/node/pageInfo), run
// by graphql-js itself. graphql is imported on the first GraphQL request, so REST-only users of the
// demo (benchmarks, `apikit fetch`) never load it.
import { demoRecordRange } from "./records.js";
import type { Reply, ServeContext } from "./rest.js";

const TYPE_DEFS = /* GraphQL */ `
  type Author { name: String! country: String }
  type Review {
    id: ID!
    productId: Int!
    rating: Int!
    title: String!
    body: String
    author: Author!
    tags: [String!]!
    helpfulVotes: Int!
    createdAt: String!
  }
  type ReviewEdge { cursor: String! node: Review! }
  type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
  type ReviewConnection { edges: [ReviewEdge!]! nodes: [Review!]! pageInfo: PageInfo! totalCount: Int! }
  type Query {
    "Reviews, oldest first. first: page size (capped at the server's maximum); after: an endCursor."
    reviews(first: Int, after: String): ReviewConnection!
  }
`;

/** A query that pulls every field of every review: `graphql(url, DEMO_REVIEWS_QUERY, { paginate: true, connectionPath: "reviews" })`. */
export const DEMO_REVIEWS_QUERY = /* GraphQL */ `
  query Reviews($first: Int, $after: String) {
    reviews(first: $first, after: $after) {
      edges { node { id productId rating title body author { name country } tags helpfulVotes createdAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

type GraphQLModule = typeof import("graphql");
let loaded: Promise<{ gql: GraphQLModule; schema: ReturnType<GraphQLModule["buildSchema"]> }> | undefined;

function load() {
  loaded ??= import("graphql").then((gql) => ({ gql, schema: gql.buildSchema(TYPE_DEFS) }));
  return loaded;
}

const encodeCursor = (index: number) => Buffer.from(`reviews:${index}`).toString("base64url");

function decodeAfter(after: string | null | undefined): number {
  if (after === null || after === undefined || after === "") return 0;
  const match = /^reviews:(\d+)$/.exec(Buffer.from(after, "base64url").toString("utf8"));
  if (!match) throw new Error(`after: "${after.slice(0, 40)}" is not a cursor this API gave out`);
  return Number(match[1]) + 1;
}

function reviews(args: { first?: number | null; after?: string | null }, ctx: ServeContext) {
  if (args.first !== undefined && args.first !== null && args.first < 0)
    throw new Error(`first must not be negative, got ${args.first}`);
  const first = Math.min(args.first ?? ctx.defaultPageSize, ctx.pageSizeMax);
  const start = decodeAfter(args.after);
  const end = Math.min(start + first, ctx.size);
  const nodes = demoRecordRange("reviews", start, end, ctx.seed);
  const edges = nodes.map((node, i) => ({ cursor: encodeCursor(start + i), node }));
  return {
    edges,
    nodes,
    totalCount: ctx.size,
    pageInfo: {
      hasNextPage: end < ctx.size,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Answers a POST /graphql body; parse and validation errors are 400s, resolver errors 200s with errors. */
export async function serveGraphQL(rawBody: string, ctx: ServeContext): Promise<Reply> {
  let payload: { query?: unknown; variables?: unknown; operationName?: unknown };
  try {
    payload = JSON.parse(rawBody) as typeof payload;
  } catch {
    return { status: 400, body: { errors: [{ message: "the request body is not JSON" }] } };
  }
  if (typeof payload?.query !== "string" || payload.query.trim() === "")
    return { status: 400, body: { errors: [{ message: "the request body has no query" }] } };
  const { gql, schema } = await load();
  const result = await gql.graphql({
    schema,
    source: payload.query,
    rootValue: { reviews: (args: Parameters<typeof reviews>[0]) => reviews(args, ctx) },
    variableValues:
      payload.variables && typeof payload.variables === "object"
        ? (payload.variables as Record<string, unknown>)
        : undefined,
    operationName: typeof payload.operationName === "string" ? payload.operationName : undefined,
  });
  return { status: "data" in result && result.data !== undefined ? 200 : 400, body: result };
}
