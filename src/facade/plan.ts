// The plan of a pull, made once per call: the first request, the paginator, the limits the page loop
// enforces, what identifies the pull in a checkpoint, and its dry-run description. One planner for
// REST listings (the client's pagination with the call's overrides) and one for Relay connections.
import { PaginationConfig, type PaginationConfigInput, parseConfig } from "../config/index.js";
import { ApikitError } from "../errors.js";
import { toJson } from "../flatten/index.js";
import { RelayPaginator } from "../graphql/index.js";
import { createPaginator, type PageRequest, type Paginator } from "../pagination/index.js";
import type { FetchOptions, GraphQLOptions } from "./call-options.js";
import type { ClientCore } from "./core.js";
import type { DryRunOutput, DryRunResult } from "./dry-run.js";

/** The limits of a pull the page loop enforces. */
export type LoopLimits = Pick<
  PaginationConfig,
  "dataPath" | "maxPages" | "maxItems" | "maxEmptyPages" | "readAhead" | "onLimit"
>;

/** The strategy `auto` settled on: kept in a checkpoint so a resumed pull does not detect again. */
export interface SettledStrategy {
  name: string;
  settings: Record<string, unknown>;
}

export interface PullPlan {
  paginator: Paginator;
  /** The first request as the call asked for it. */
  request: PageRequest;
  limits: LoopLimits;
  /** Where the records are when the paginator knows better than the data path (a Relay connection). */
  extract?: ((data: unknown) => unknown[]) | undefined;
  /** Responses are GraphQL: an `errors` member fails the page. */
  graphql: boolean;
  /** What identifies the pull (hashed into a checkpoint), secrets redacted. */
  identity: Record<string, unknown>;
  /** Prints and returns what the pull would send first (and the file it would write), sending nothing. */
  describe(output?: DryRunOutput): DryRunResult;
  /** The same pull going on with a strategy a previous run settled on. */
  settle(strategy: SettledStrategy): PullPlan;
}

const PAGINATION_KEYS = Object.keys(PaginationConfig.shape) as Array<keyof PaginationConfigInput>;

/** A REST listing: the client's pagination settings with the call's on top. */
export function restPlan(core: ClientCore, path: string, options: FetchOptions<unknown>): PullPlan {
  const overrides: Record<string, unknown> = {};
  for (const key of PAGINATION_KEYS) if (options[key] !== undefined) overrides[key] = options[key];
  const pagination = parseConfig(
    PaginationConfig,
    { ...stripUndefined(core.config.pagination), ...overrides },
    "pagination options",
    "pagination",
  );
  const url = core.url(path, options.params);
  const custom = options.paginator;
  const strategy = custom ? custom.strategy : pagination.strategy;
  let paginate =
    options.paginate ?? (custom !== undefined || (strategy !== undefined && strategy !== "none"));
  if (paginate && !custom && explicitPageParam(url, pagination)) {
    core.logger.debug("an explicit page/offset/cursor parameter was given: fetching just that page");
    paginate = false;
  }
  const effective = {
    ...pagination,
    strategy: paginate ? (strategy === undefined || strategy === "none" ? "auto" : strategy) : "none",
  } as PaginationConfig;
  const method = (options.method ?? "GET").toUpperCase();
  const request: PageRequest = { method, url, body: options.body };
  const paginator = paginate && custom ? custom : createPaginator(effective, core.logger);
  const { headers } = core.encode(options.headers, options.body);
  const settings = stripUndefined(effective);
  return {
    paginator,
    request,
    limits: pagination,
    graphql: false,
    identity: {
      method,
      url: core.redactor.redactUrl(url),
      body: options.body === undefined ? null : core.redactor.redactText(toJson(options.body)),
      pagination: settings,
    },
    describe: (output) => {
      // Described only when a dry run asks (it may call the auth strategy).
      const first = paginate ? paginator.first(request) : request;
      return core.describe(
        method,
        first.url,
        headers,
        first.body,
        paginate,
        paginate ? settings : {},
        output,
      );
    },
    settle: (settled) =>
      restPlan(core, path, {
        ...options,
        strategy: settled.name,
        ...settled.settings,
      } as FetchOptions<unknown>),
  };
}

/** A Relay connection (pageInfo.hasNextPage / endCursor) of a GraphQL query. */
export function relayPlan(core: ClientCore, path: string, query: string, options: GraphQLOptions): PullPlan {
  if (!options.connectionPath) {
    throw new ApikitError(
      "graphql({ paginate: true }) needs connectionPath: the dot path to the Relay connection inside data",
    );
  }
  const paginator = new RelayPaginator({
    connectionPath: options.connectionPath,
    pageSize: options.pageSize,
    ...(options.cursorVariable ? { cursorVariable: options.cursorVariable } : {}),
    ...(options.pageSizeVariable ? { pageSizeVariable: options.pageSizeVariable } : {}),
  });
  const url = core.url(path);
  const body = graphqlBody(query, options);
  const request: PageRequest = { method: "POST", url, body };
  const { headers } = core.encode(options.headers, body);
  const { maxPages, maxItems, maxEmptyPages, readAhead, onLimit } = options;
  const plan: PullPlan = {
    paginator,
    request,
    limits: { maxPages, maxItems, maxEmptyPages, readAhead, onLimit },
    extract: paginator.extract,
    graphql: true,
    identity: {
      method: "POST",
      url: core.redactor.redactUrl(url),
      body: core.redactor.redactText(toJson(body)),
      connectionPath: options.connectionPath,
      pageSize: options.pageSize ?? null,
    },
    describe: (output) => {
      const settings = {
        strategy: "relay",
        connectionPath: options.connectionPath,
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
        ...(options.maxPages ? { maxPages: options.maxPages } : {}),
      };
      return core.describe("POST", url, headers, paginator.first(request).body, true, settings, output);
    },
    // A Relay connection has one strategy: there is nothing to settle.
    settle: () => plan,
  };
  return plan;
}

export function graphqlBody(query: string, options: GraphQLOptions): Record<string, unknown> {
  return {
    query,
    ...(options.variables ? { variables: options.variables } : {}),
    ...(options.operationName ? { operationName: options.operationName } : {}),
  };
}

/** A page/offset/cursor parameter in the URL itself asks for that one page. */
function explicitPageParam(url: URL, pagination: PaginationConfig): boolean {
  const names =
    pagination.strategy === "offset"
      ? [pagination.offsetParam]
      : pagination.strategy === "page"
        ? [pagination.pageParam]
        : pagination.strategy === "cursor"
          ? [pagination.cursorParam]
          : pagination.strategy === "link"
            ? []
            : [pagination.offsetParam, pagination.pageParam, pagination.cursorParam];
  return names.some((n) => url.searchParams.has(n));
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
