// Single requests: a REST call (request, get, post, ...) and a GraphQL query or mutation without
// pagination. Each sends one request through the client's transport and gives back the parsed body.
import { assertNoGraphQLErrors } from "../graphql/index.js";
import type { GraphQLOptions, RequestOptions } from "./call-options.js";
import type { ClientCore } from "./core.js";
import type { DryRunResult } from "./dry-run.js";
import { graphqlBody } from "./plan.js";

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  data: T;
  url: string;
}

/** One request; the parsed JSON body with status, headers and URL (or, for a dry run, its description). */
export async function sendRequest<T>(
  core: ClientCore,
  method: string,
  path: string,
  options: RequestOptions,
): Promise<ApiResponse<T> | DryRunResult> {
  const url = core.url(path, options.params);
  const upper = method.toUpperCase();
  const { headers, body } = core.encode(options.headers, options.body);
  if (options.dryRun) return core.describe(upper, url, headers, options.body, false, {});
  const response = await core.send({
    method: upper,
    url,
    headers,
    body,
    signal: options.signal,
    timeoutMs: core.callTimeout(options),
  });
  return { status: response.status, headers: response.headers, data: response.data as T, url: response.url };
}

/** A GraphQL query or mutation: the `data` of its response; `errors` in it are a GraphQLError. */
export async function sendGraphQL<T>(
  core: ClientCore,
  path: string,
  query: string,
  options: GraphQLOptions,
): Promise<T | DryRunResult> {
  const url = core.url(path);
  const payload = graphqlBody(query, options);
  const { headers, body } = core.encode(options.headers, payload);
  if (options.dryRun) return core.describe("POST", url, headers, payload, false, {});
  const response = await core.send({
    method: "POST",
    url,
    headers,
    body,
    signal: options.signal,
    timeoutMs: core.callTimeout(options),
  });
  const where = { method: "POST", url: core.redactor.redactUrl(url), status: response.status };
  assertNoGraphQLErrors(response.data, where, core.redactor.redactText);
  return (response.data as { data?: T } | null)?.data as T;
}
