// new Apikit({ baseUrl, auth: "bearer" }) without a token: the constructor walks the same chain as
// fromName (environment → .env → ~/.netrc; the keyring stays with the async fromName), fills only
// what the options leave out, and logs where it came from, never the value. Temp folders, an
// explicit env (with NETRC for the netrc path), and a real loopback API.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { Apikit, type ApikitOptions } from "../../src/facade/index.js";
import { json, useLoopback } from "../support/server.js";

const { serve, client } = useLoopback(afterEach, (o: ApikitOptions) => new Apikit(o));

function place(files: { dotenv?: string; netrc?: string; netrcMode?: number } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "apikit-ctor-cwd-"));
  const home = mkdtempSync(join(tmpdir(), "apikit-ctor-home-"));
  const netrc = join(home, ".netrc");
  if (files.dotenv !== undefined) writeFileSync(join(cwd, ".env"), files.dotenv);
  if (files.netrc !== undefined) {
    writeFileSync(netrc, files.netrc);
    chmodSync(netrc, files.netrcMode ?? 0o600);
  }
  const logs: string[] = [];
  const logger = { debug: (m: string) => logs.push(m), info() {}, warn() {}, error() {} };
  // NETRC points at the temp file, so the real ~/.netrc is never read.
  return { cwd, netrc, logs, logger, env: { NETRC: netrc } as NodeJS.ProcessEnv };
}

async function echoApi() {
  return serve((req, res) =>
    json(res, 200, {
      authorization: req.headers.authorization ?? null,
      key: req.headers["x-api-key"] ?? null,
    }),
  );
}

describe("new Apikit: credentials the options leave out", () => {
  it("takes a bearer token from APIKIT_TOKEN and logs the source, never the value", async () => {
    const api = await echoApi();
    const p = place();
    const c = client(api.url, {
      auth: "bearer",
      env: { ...p.env, APIKIT_TOKEN: "env-token-1234" },
      cwd: p.cwd,
      logger: p.logger,
    });
    expect(await c.get("/")).toMatchObject({ authorization: "Bearer env-token-1234" });
    expect(p.logs).toContain("credential token from environment variable APIKIT_TOKEN");
    expect(p.logs.join("\n")).not.toContain("1234");
  });

  it("reads .env in the working directory when the environment has nothing", async () => {
    const api = await echoApi();
    const p = place({ dotenv: "APIKIT_TOKEN=dotenv-token-1234\n" });
    const c = client(api.url, { auth: "bearer", env: p.env, cwd: p.cwd, logger: p.logger });
    expect(await c.get("/")).toMatchObject({ authorization: "Bearer dotenv-token-1234" });
    expect(p.logs).toContain(`credential token from ${join(p.cwd, ".env")} (APIKIT_TOKEN)`);
  });

  it("reads the netrc entry of the baseUrl's host: password as the token, login as the username", async () => {
    const api = await echoApi();
    const p = place({ netrc: "machine 127.0.0.1 login ada password netrc-pw-1234\n" });
    const bearer = client(api.url, { auth: "bearer", env: p.env, cwd: p.cwd, logger: p.logger });
    expect(await bearer.get("/")).toMatchObject({ authorization: "Bearer netrc-pw-1234" });
    expect(p.logs).toContain(`credential token from ${p.netrc} (machine 127.0.0.1)`);

    const basic = client(api.url, { auth: "basic", env: p.env, cwd: p.cwd });
    const expected = `Basic ${Buffer.from("ada:netrc-pw-1234").toString("base64")}`;
    expect(await basic.get("/")).toMatchObject({ authorization: expected });
    // A username given in the options is kept; only the password comes from netrc.
    const mixed = client(api.url, { auth: "basic", username: "bob", env: p.env, cwd: p.cwd });
    expect(await mixed.get("/")).toMatchObject({
      authorization: `Basic ${Buffer.from("bob:netrc-pw-1234").toString("base64")}`,
    });
  });

  it("takes an API key from APIKIT_API_KEY, in the object form of auth too", async () => {
    const api = await echoApi();
    const p = place();
    const env = { ...p.env, APIKIT_API_KEY: "env-key-1234" };
    expect(await client(api.url, { auth: "apikey", env, cwd: p.cwd }).get("/")).toMatchObject({
      key: "env-key-1234",
    });
    const objectForm = client(api.url, { auth: { type: "bearer" } as never, env: { APIKIT_TOKEN: "t-1" } });
    expect(await objectForm.get("/")).toMatchObject({ authorization: "Bearer t-1" });
  });

  it("an explicit option always wins over the environment, .env and netrc", async () => {
    const api = await echoApi();
    const p = place({
      dotenv: "APIKIT_TOKEN=dotenv\n",
      netrc: "machine 127.0.0.1 password netrc\n",
    });
    const c = client(api.url, {
      auth: "bearer",
      token: "explicit-1234",
      env: { ...p.env, APIKIT_TOKEN: "env" },
      cwd: p.cwd,
      logger: p.logger,
    });
    expect(await c.get("/")).toMatchObject({ authorization: "Bearer explicit-1234" });
    expect(p.logs.filter((l) => l.startsWith("credential"))).toEqual([]);
  });

  it("leaves a client that names no auth type without credentials", async () => {
    const api = await echoApi();
    const p = place({ netrc: "machine 127.0.0.1 password netrc\n" });
    const c = client(api.url, { env: { ...p.env, APIKIT_TOKEN: "env" }, cwd: p.cwd });
    expect(c.config.auth).toEqual({ type: "none" });
    expect(await c.get("/")).toMatchObject({ authorization: null });
  });

  it("refuses a netrc that other users can read, saying to chmod 600", () => {
    const p = place({ netrc: "machine 127.0.0.1 password pw-1234\n", netrcMode: 0o644 });
    const make = () => new Apikit({ baseUrl: "http://127.0.0.1:1", auth: "bearer", env: p.env, cwd: p.cwd });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(`chmod 600 ${p.netrc}`);
    expect(make).not.toThrow(/pw-1234/);
  });

  it("says where it looked when the secret is nowhere", () => {
    const p = place();
    const error = (() => {
      try {
        new Apikit({ baseUrl: "http://127.0.0.1:1", auth: "bearer", env: p.env, cwd: p.cwd });
      } catch (e) {
        return e as ConfigError;
      }
      return expect.fail("expected a ConfigError");
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      "Invalid client options:\n  - auth.token: bearer auth needs a token: token must not be empty; " +
        `looked in the option token, APIKIT_TOKEN, ${join(p.cwd, ".env")}, ${p.netrc} (machine 127.0.0.1)`,
    );
    expect(error.issues.map((i) => i.path)).toEqual(["auth.token"]);
  });
});
