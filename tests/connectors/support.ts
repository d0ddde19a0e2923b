// Helpers for the connector tests: a connector's config pointed at a loopback server (keeping the
// base URL's path, so the fake API sees the real paths), and the request details the fakes check.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectorDefinition } from "../../src/connectors/index.js";
import { Apikit, type ApikitOptions, type FromNameOptions } from "../../src/facade/index.js";
import type { RecordedRequest, TestServer } from "../support/server.js";

export function loopbackOptions(
  connector: ConnectorDefinition,
  options: Record<string, string>,
  server: TestServer,
  secrets: Record<string, string>,
): ApikitOptions {
  const config = connector.config(options);
  const baseUrl = `${server.origin}${new URL(config.baseUrl).pathname}`.replace(/\/+$/, "");
  return { ...config, baseUrl, auth: { ...config.auth, ...secrets } } as ApikitOptions;
}

/** The path of a recorded request, without its query. */
export function pathOf(req: RecordedRequest): string {
  return new URL(req.url, "http://x").pathname;
}

/** The origin the client used to reach the server (for absolute URLs in Link headers). */
export function originOf(req: RecordedRequest): string {
  return `http://${req.headers.host}`;
}

/** `Basic base64(user:password)`. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/**
 * Apikit.fromName with nothing read from this machine unless the test says so (no environment, an
 * empty cwd and config file); the clients it makes are closed after each test.
 */
export function useFromName(afterEachHook: (fn: () => Promise<void>) => void) {
  const opened: Apikit[] = [];
  afterEachHook(async () => {
    await Promise.all(opened.splice(0).map((c) => c.close()));
  });
  return async (name: string, options: FromNameOptions): Promise<Apikit> => {
    const cwd = mkdtempSync(join(tmpdir(), "apikit-fromname-"));
    const client = await Apikit.fromName(name, {
      env: {},
      cwd,
      configPath: join(cwd, "config.toml"),
      ...options,
    });
    opened.push(client);
    return client;
  };
}
