// The demo's REST resources, one per pagination style: offset with a total (/users), page numbers
// (/orders), an opaque cursor with has_more (/events) and a Link header over a bare array (/products).
import { type DemoResource, demoRecordRange } from "./records.js";

export interface ServeContext {
  size: number;
  seed: number;
  /** Page size when the request names none. */
  defaultPageSize: number;
  /** Larger page sizes are cut down to this, as real APIs do. */
  pageSizeMax: number;
  /** The server's origin, for the absolute URLs of Link headers. */
  origin: string;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type RestResource = Exclude<DemoResource, "reviews">;

class BadRequest extends Error {}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new BadRequest(`${name} must be a whole number of at least ${min}, got "${raw}"`);
  return n;
}

function pageSize(query: URLSearchParams, name: string, ctx: ServeContext): number {
  return Math.min(intParam(query, name, ctx.defaultPageSize, 1), ctx.pageSizeMax);
}

function users(query: URLSearchParams, ctx: ServeContext): Reply {
  const offset = intParam(query, "offset", 0, 0);
  const limit = pageSize(query, "limit", ctx);
  const users = demoRecordRange("users", offset, Math.min(offset + limit, ctx.size), ctx.seed);
  return { status: 200, body: { total: ctx.size, offset, limit, users } };
}

function orders(query: URLSearchParams, ctx: ServeContext): Reply {
  const page = intParam(query, "page", 1, 1);
  const perPage = pageSize(query, "per_page", ctx);
  const start = (page - 1) * perPage;
  const data = demoRecordRange("orders", start, Math.min(start + perPage, ctx.size), ctx.seed);
  return {
    status: 200,
    body: { page, per_page: perPage, total_pages: Math.ceil(ctx.size / perPage), total: ctx.size, data },
  };
}

const encodeCursor = (index: number) => Buffer.from(`events:${index}`).toString("base64url");

function decodeCursor(cursor: string | null): number {
  if (cursor === null || cursor === "") return 0;
  const match = /^events:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw new BadRequest(`cursor "${cursor.slice(0, 40)}" is not a cursor this API gave out`);
  return Number(match[1]);
}

function events(query: URLSearchParams, ctx: ServeContext): Reply {
  const start = decodeCursor(query.get("cursor"));
  const limit = pageSize(query, "limit", ctx);
  const end = Math.min(start + limit, ctx.size);
  const data = demoRecordRange("events", start, end, ctx.seed);
  const hasMore = end < ctx.size;
  return { status: 200, body: { data, next_cursor: hasMore ? encodeCursor(end) : null, has_more: hasMore } };
}

function products(query: URLSearchParams, ctx: ServeContext): Reply {
  const page = intParam(query, "page", 1, 1);
  const perPage = pageSize(query, "per_page", ctx);
  const last = Math.max(1, Math.ceil(ctx.size / perPage));
  const start = (page - 1) * perPage;
  const body = demoRecordRange("products", start, Math.min(start + perPage, ctx.size), ctx.seed);
  const link = (n: number, rel: string) =>
    `<${ctx.origin}/products?page=${n}&per_page=${perPage}>; rel="${rel}"`;
  const links = [link(1, "first")];
  if (page > 1) links.push(link(Math.min(page - 1, last), "prev"));
  if (page < last) links.push(link(page + 1, "next"));
  links.push(link(last, "last"));
  return { status: 200, body, headers: { link: links.join(", "), "x-total-count": String(ctx.size) } };
}

const HANDLERS: Record<RestResource, (query: URLSearchParams, ctx: ServeContext) => Reply> = {
  users,
  orders,
  events,
  products,
};

export function isRestResource(name: string): name is RestResource {
  return Object.hasOwn(HANDLERS, name);
}

/** Answers a GET of a REST resource; a bad parameter is a 400 with a JSON error, as APIs do. */
export function serveRest(resource: RestResource, query: URLSearchParams, ctx: ServeContext): Reply {
  try {
    return HANDLERS[resource](query, ctx);
  } catch (error) {
    if (error instanceof BadRequest)
      return { status: 400, body: { error: "bad_request", message: error.message } };
    throw error;
  }
}
