// Shared by the config tests: a config that sets every ApiConfig field, one auth of each type with
// every field set, throwaway config paths in temp dirs, and a helper to catch a rejection.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { ApiConfigInput, AuthConfigInput } from "../../src/config/schemas.js";

/** Every non-auth ApiConfig field, none at its default. */
export const EVERY_FIELD: Omit<ApiConfigInput, "auth"> = {
  baseUrl: "https://api.example.test/v2",
  headers: { Accept: "application/vnd.example+json", "X-Trace Id": "a.b=c" },
  timeoutMs: 12_500.5,
  retry: {
    maxRetries: 3,
    initialDelayMs: 250,
    maxDelayMs: 9_000,
    maxTotalWaitMs: 30_000,
    maxRetryAfterMs: 120_000,
    statusCodes: [429, 503],
  },
  pagination: {
    strategy: "cursor",
    pageSize: 50,
    maxPages: 7,
    maxItems: 300,
    dataPath: "data.items",
    offsetParam: "skip",
    limitParam: "take",
    pageParam: "p",
    startPage: 0,
    totalPath: "meta.total",
    totalPagesPath: "meta.pages",
    cursorParam: "after",
    nextCursorPath: "meta.next",
    hasMorePath: "meta.has_more",
    cursorFromLastRecord: "id",
    nextUrlPath: "links.next",
    cursorIn: "body",
    stopOnShortPage: true,
    maxEmptyPages: 4,
    readAhead: false,
    onLimit: "raise",
  },
  verifySsl: false,
  rateLimit: { requestsPerSecond: 2.5, burst: 4 },
  rateLimitThreshold: 3,
  maxRedirects: 2,
  connections: 4,
  concurrency: 6,
  userAgent: "apikit-tests/1.0",
};

/** One auth of each type (apikey twice: header and query), each with every field it has. */
export const AUTHS: Record<string, AuthConfigInput> = {
  none: { type: "none" },
  bearer: { type: "bearer", token: "tok-bearer-123" },
  "apikey-header": { type: "apikey", apiKey: "key-in-header-456", header: "X-Api-Token" },
  "apikey-query": { type: "apikey", apiKey: "key-in-query-789", queryParam: "api_key" },
  basic: { type: "basic", username: "ada", password: "pw-basic-000" },
  oauth2: {
    type: "oauth2",
    clientId: "client-1",
    clientSecret: "cs-oauth2-abc",
    tokenUrl: "https://auth.example.test/oauth/token",
    scopes: ["read:items", "write:items"],
    audience: "https://api.example.test",
    clientAuth: "client_secret_basic",
    instanceUrlFromToken: true,
  },
};

/** The secret values above, to check that none of them lands where it must not. */
export const SECRET_VALUES = [
  "tok-bearer-123",
  "key-in-header-456",
  "key-in-query-789",
  "pw-basic-000",
  "cs-oauth2-abc",
];

/** A fresh temp dir with a config path inside a not-yet-existing subfolder; `cleanup` removes it. */
export async function tempConfig(): Promise<{ dir: string; path: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "apikit-config-"));
  return {
    dir,
    path: join(dir, "apikit", "config.toml"),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: Error) => error,
  );
}
