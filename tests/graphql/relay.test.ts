import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connectionFromArray } from "graphql-relay";
import { createSchema, createYoga } from "graphql-yoga";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphQLError, PaginationError } from "../../src/errors.js";
import { Apikit } from "../../src/facade/index.js";

const ITEMS = Array.from({ length: 95 }, (_, i) => ({
  id: `item-${i + 1}`,
  title: `Item ${i + 1}`,
  tags: [`t${i % 3}`],
}));

let server: Server;
let api: Apikit;
const seenArgs: Array<{ first?: number | null; after?: string | null }> = [];

beforeAll(async () => {
  const yoga = createYoga({
    logging: false,
    schema: createSchema({
      typeDefs: /* GraphQL */ `
        type Item { id: ID! title: String! tags: [String!]! }
        type PageInfo { hasNextPage: Boolean! endCursor: String }
        type ItemEdge { node: Item! cursor: String! }
        type ItemConnection { edges: [ItemEdge!]! nodes: [Item!]! pageInfo: PageInfo! }
        type Query {
          items(first: Int, after: String): ItemConnection!
          stuck(first: Int, after: String): ItemConnection!
          hello(name: String!): String!
          broken: String
        }
      `,
      resolvers: {
        Query: {
          items: (_: unknown, args: { first?: number; after?: string }) => {
            seenArgs.push(args);
            const connection = connectionFromArray(ITEMS, {
              first: args.first ?? 10,
              after: args.after ?? null,
            });
            return { ...connection, nodes: connection.edges.map((e) => e.node) };
          },
          stuck: () => ({
            edges: [{ node: ITEMS[0], cursor: "c" }],
            nodes: [ITEMS[0]],
            pageInfo: { hasNextPage: true, endCursor: "always-the-same" },
          }),
          hello: (_: unknown, args: { name: string }) => `hello ${args.name}`,
          broken: () => {
            throw new Error("resolver exploded");
          },
        },
      },
    }),
    maskedErrors: false,
  });
  server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  api = new Apikit({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
  });
});

afterAll(async () => {
  await api.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const QUERY = /* GraphQL */ `
  query Items($first: Int, $after: String) {
    items(first: $first, after: $after) {
      edges { node { id title tags } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

describe("graphql", () => {
  it("returns data for a plain query with variables", async () => {
    const data = await api.graphql<{ hello: string }>(
      "/graphql",
      "query H($n: String!) { hello(name: $n) }",
      { variables: { n: "apikit" } },
    );
    expect(data).toEqual({ hello: "hello apikit" });
  });

  it("raises GraphQLError with the errors array for a 200 that carries errors", async () => {
    const error = (await api.graphql("/graphql", "{ broken }").catch((e: unknown) => e)) as GraphQLError;
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.errors[0]?.message).toContain("resolver exploded");
    expect(error.errors[0]?.path).toEqual(["broken"]);
  });

  it("follows a Relay connection through edges until hasNextPage is false", async () => {
    seenArgs.length = 0;
    const nodes = await api.graphql<Array<{ id: string }>>("/graphql", QUERY, {
      paginate: true,
      connectionPath: "items",
      pageSize: 20,
    });
    expect(nodes.map((n) => n.id)).toEqual(ITEMS.map((i) => i.id));
    expect(seenArgs).toHaveLength(5);
    expect(seenArgs.every((a) => a.first === 20)).toBe(true);
  });

  it("reads nodes when the query asks for nodes", async () => {
    const query =
      "query($first: Int, $after: String) { items(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }";
    const ids: string[] = [];
    for await (const node of api.graphqlStream<{ id: string }>("/graphql", query, {
      connectionPath: "items",
      pageSize: 50,
    }))
      ids.push(node.id);
    expect(ids).toHaveLength(95);
    expect(new Set(ids).size).toBe(95);
  });

  it("stops at maxPages", async () => {
    const pages = [];
    for await (const page of api.graphqlPages("/graphql", QUERY, {
      connectionPath: "items",
      pageSize: 10,
      maxPages: 2,
    }))
      pages.push(page);
    expect(pages).toHaveLength(2);
    expect(pages[1]?.truncated).toBe(true);
  });

  it("raises PaginationError when the endCursor repeats", async () => {
    const query =
      "query($first: Int, $after: String) { stuck(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }";
    await expect(
      api.graphql("/graphql", query, { paginate: true, connectionPath: "stuck" }),
    ).rejects.toBeInstanceOf(PaginationError);
  });
});
