// GraphQL Relay connections as a paginator: reads pageInfo { hasNextPage endCursor } at the
// connection path and moves the cursor variable in the request body; records are nodes or edges[].node.
import { GraphQLError, PaginationError } from "../errors.js";
import { getPath, type PageRequest, type PageResponse, type Paginator } from "../pagination/index.js";

export interface RelayOptions {
  /** Dot path to the connection inside `data` (e.g. "repository.issues"). */
  connectionPath: string;
  /** The variable that carries the cursor. Default "after". */
  cursorVariable?: string;
  /** The variable that carries the page size, set when pageSize is given. Default "first". */
  pageSizeVariable?: string;
  pageSize?: number | undefined;
}

export class RelayPaginator implements Paginator {
  readonly strategy = "relay";
  readonly #seen = new Set<string>();

  constructor(private readonly options: RelayOptions) {}

  first(request: PageRequest): PageRequest {
    const { pageSize, pageSizeVariable = "first" } = this.options;
    if (pageSize === undefined) return request;
    return { ...request, body: withVariable(request.body, pageSizeVariable, pageSize) };
  }

  next(response: PageResponse, request: PageRequest): PageRequest | null {
    const connection = connectionOf(response.data, this.options.connectionPath);
    const pageInfo = getPath(connection, "pageInfo") as
      | { hasNextPage?: unknown; endCursor?: unknown }
      | undefined;
    if (pageInfo?.hasNextPage !== true) return null;
    const cursor = pageInfo.endCursor;
    if (typeof cursor !== "string" || cursor === "") {
      throw new PaginationError("pageInfo.hasNextPage is true but endCursor is empty");
    }
    if (this.#seen.has(cursor)) {
      throw new PaginationError(
        `the endCursor ${JSON.stringify(cursor.slice(0, 80))} came back a second time; stopping to avoid a loop`,
      );
    }
    this.#seen.add(cursor);
    return { ...request, body: withVariable(request.body, this.options.cursorVariable ?? "after", cursor) };
  }

  /** The records of a connection: `nodes`, else `edges[].node`. */
  extract = (data: unknown): unknown[] => {
    const connection = connectionOf(data, this.options.connectionPath);
    if (connection === null || connection === undefined) return [];
    const nodes = getPath(connection, "nodes");
    if (Array.isArray(nodes)) return nodes;
    const edges = getPath(connection, "edges");
    if (Array.isArray(edges))
      return edges.map((e) => (e && typeof e === "object" ? (e as { node?: unknown }).node : undefined));
    throw new GraphQLError(
      `the connection at data.${this.options.connectionPath} has neither nodes nor edges`,
      {
        errors: [],
        data,
      },
    );
  };
}

function connectionOf(data: unknown, path: string): unknown {
  return getPath(getPath(data, "data"), path);
}

function withVariable(
  body: Record<string, unknown> | undefined,
  name: string,
  value: unknown,
): Record<string, unknown> {
  const variables = { ...((body?.variables as Record<string, unknown> | undefined) ?? {}), [name]: value };
  return { ...(body ?? {}), variables };
}

/**
 * Raises GraphQLError for a response carrying `errors`, even with status 200. Servers may quote the
 * request's credentials in an error, so every string of the entries passes through `redactText`.
 */
export function assertNoGraphQLErrors(
  data: unknown,
  context: { method: string; url: string; status: number },
  redactText: (text: string) => string = (text) => text,
): void {
  const errors = (data as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return;
  const entries = errors.map(
    (e) =>
      redactStrings(
        e && typeof e === "object" && typeof (e as { message?: unknown }).message === "string"
          ? e
          : { message: String(JSON.stringify(e)) },
        redactText,
      ) as GraphQLError["errors"][number],
  );
  const first = entries[0]?.message ?? "unknown error";
  const more = entries.length > 1 ? ` (and ${entries.length - 1} more)` : "";
  throw new GraphQLError(`GraphQL ${context.url} returned errors: ${first}${more}`, {
    ...context,
    errors: entries,
    data: (data as { data?: unknown }).data,
  });
}

/** A copy of parsed JSON with `redact` applied to every string in it. */
function redactStrings(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactStrings(v, redact));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v, redact)]));
  return value;
}
