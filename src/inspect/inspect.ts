// inspect: one real request to a listing, read for what it says (where the records are, how it
// pages, a schema sample, the rate-limit headroom) and turned into an InspectorResult. It takes the
// client's transport as a small interface, so this folder does not depend on the facade.
import { headerValue } from "../base/index.js";
import type { PaginationConfig } from "../config/index.js";
import { flattenRecord, SchemaBuilder } from "../flatten/index.js";
import { RateLimitState, type Redactor, type SendRequest, type SendResponse } from "../http/index.js";
import { detectPagination, locateRecords, recordsAt } from "../pagination/index.js";
import { InspectorResult } from "./result.js";

/** What inspect needs of a client. */
export interface InspectTransport {
  send(request: SendRequest): Promise<SendResponse>;
  readonly redactor: Redactor;
  readonly auth: { readonly type: string };
  readonly config: { readonly pagination: PaginationConfig };
}

export interface InspectRequest {
  url: URL;
  headers: Record<string, string>;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  /** Where the records are, when the detector should not guess. */
  dataPath?: string | undefined;
}

export async function inspectListing(
  client: InspectTransport,
  request: InspectRequest,
): Promise<InspectorResult> {
  const { url, headers } = request;
  const response = await client.send({
    method: "GET",
    url,
    headers,
    signal: request.signal,
    timeoutMs: request.timeoutMs,
  });
  const location = locateRecords(response.data, request.dataPath);
  const records = recordsAt(response.data, location);
  const detected = detectPagination(
    { status: response.status, headers: response.headers, data: response.data, records },
    url,
  );
  const schema = new SchemaBuilder();
  for (const record of records) schema.add(flattenRecord(record));
  const { baseUrl, path } = splitBase(url);
  const configured = client.config.pagination;
  // The suggested config keeps the URL's own parameters, not the paging ones it will send itself.
  const pagingParams = new Set(
    [
      configured.offsetParam,
      configured.limitParam,
      configured.pageParam,
      configured.cursorParam,
      detected.settings.offsetParam,
      detected.settings.limitParam,
      detected.settings.pageParam,
      detected.settings.cursorParam,
    ].filter((p): p is string => typeof p === "string"),
  );
  const redactedUrl = client.redactor.redactUrl(url);
  const params: Record<string, string> = {};
  for (const [k, v] of new URL(redactedUrl).searchParams) if (!pagingParams.has(k)) params[k] = v;
  return new InspectorResult({
    url: redactedUrl,
    status: response.status,
    latencyMs: response.latencyMs,
    headers: client.redactor.redactHeaders(response.headers),
    contentType: headerValue(response.headers, "content-type"),
    dataPath: location,
    recordCount: records.length,
    detectedPagination: detected,
    rateLimit: RateLimitState.parse(response.headers),
    schema: schema.toObject(),
    baseUrl,
    path,
    params,
    authType: client.auth.type,
    name: nameFromHost(url.hostname),
  });
}

/** The URL up to its last path segment (the base to configure), and that segment (the path to fetch). */
function splitBase(url: URL): { baseUrl: string; path: string } {
  const segments = url.pathname.split("/").filter((s) => s !== "");
  const last = segments.pop();
  return {
    baseUrl: `${url.origin}${segments.length > 0 ? `/${segments.join("/")}` : ""}`,
    path: last === undefined ? "/" : `/${last}`,
  };
}

/** api.github.com → github; localhost → localhost; 127.0.0.1 → api. */
function nameFromHost(host: string): string {
  if (/^[\d.:[\]]+$/.test(host)) return "api";
  const labels = host.split(".").filter((l) => !["api", "www", "rest"].includes(l));
  const name = (labels.length >= 2 ? labels[labels.length - 2] : labels[0]) ?? "api";
  return name.replace(/[^a-z0-9_-]/gi, "_").toLowerCase() || "api";
}
