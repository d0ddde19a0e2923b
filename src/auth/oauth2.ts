// OAuth2 client credentials: one access token per client, shared by every request (concurrent ones
// included: a single token request in flight, never N), renewed 30 s before it expires and once
// after a 401. The token request goes through the client's own transport (timeouts, retries on 429
// and connect errors) without the client's credentials.
import { getGlobalDispatcher } from "undici";
import { z } from "zod";
import {
  type AuthRequest,
  type AuthStrategy,
  type AuthTransport,
  createRedactor,
  defaultRedactor,
  REDACTED,
} from "../base/index.js";
import { parseOptions } from "../config/index.js";
import { ApikitError, AuthError, HttpError } from "../errors.js";
import { send } from "../http/index.js";
import { Printable } from "../util/printable.js";

export interface OAuth2Options {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  scopes?: string[] | undefined;
  audience?: string | undefined;
  /** client_secret_post (default): id and secret in the form; client_secret_basic: in an Authorization header. */
  clientAuth?: "client_secret_post" | "client_secret_basic" | undefined;
  /** Send API requests to the token response's `instance_url` (Salesforce). */
  instanceUrlFromToken?: boolean | undefined;
  /** Renew this long before expiry. Default 30 000 ms. */
  refreshMarginMs?: number;
  /** Test seam: the clock. */
  now?: () => number;
}

/** The options checked (unknown keys included); `type` lets an oauth2 AuthConfig be passed as it is. */
const OAuth2Config = z.strictObject({
  type: z.literal("oauth2").optional(),
  clientId: z.string(),
  clientSecret: z.string(),
  tokenUrl: z.string(),
  scopes: z.array(z.string()).optional(),
  audience: z.string().optional(),
  clientAuth: z.enum(["client_secret_post", "client_secret_basic"]).optional(),
  instanceUrlFromToken: z.boolean().optional(),
  refreshMarginMs: z.number().min(0).optional(),
  now: z.custom<() => number>((v) => typeof v === "function", { error: "must be a function" }).optional(),
});

interface Token {
  value: string;
  expiresAt: number;
  instanceUrl: URL | undefined;
}

const DEFAULT_EXPIRES_IN_S = 3600;

export class OAuth2ClientCredentials extends Printable implements AuthStrategy {
  readonly type = "oauth2";
  readonly sensitiveHeaders: readonly string[] = ["authorization"];
  readonly sensitiveParams: readonly string[] = [];
  /** Token requests made so far (for logs and tests). */
  tokenRequests = 0;
  readonly #options: OAuth2Options;
  readonly #now: () => number;
  #transport: AuthTransport | undefined;
  #token: Token | undefined;
  #inFlight: Promise<Token> | undefined;

  constructor(options: OAuth2Options) {
    super();
    parseOptions(OAuth2Config, options, "OAuth2ClientCredentials");
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  bind(transport: AuthTransport): void {
    this.#transport = transport;
  }

  async authorize(request: AuthRequest): Promise<void> {
    const token = await this.#current();
    request.headers.authorization = `Bearer ${token.value}`;
    if (this.#options.instanceUrlFromToken && token.instanceUrl) {
      request.url.protocol = token.instanceUrl.protocol;
      request.url.host = token.instanceUrl.host;
    }
  }

  describe(request: AuthRequest): void {
    request.headers.authorization = "Bearer [REDACTED] (obtained from the token endpoint at run time)";
  }

  async refresh(failed: AuthRequest): Promise<void> {
    // Only the first 401 of a token renews it; later ones from the same token wait for that renewal.
    if (this.#token && failed.headers.authorization === `Bearer ${this.#token.value}`)
      this.#token = undefined;
    await this.#current();
  }

  secrets(): string[] {
    return [this.#options.clientSecret, ...(this.#token ? [this.#token.value] : [])];
  }

  protected printable() {
    const o = this.#options;
    return {
      type: this.type,
      clientId: o.clientId,
      tokenUrl: defaultRedactor.redactUrl(o.tokenUrl),
      ...(o.scopes ? { scopes: o.scopes } : {}),
      // Whether a token is held, never the token.
      token: this.#token ? REDACTED : "none yet",
      tokenRequests: this.tokenRequests,
    };
  }

  #current(): Promise<Token> {
    const token = this.#token;
    const margin = this.#options.refreshMarginMs ?? 30_000;
    if (token && this.#now() < token.expiresAt - margin) return Promise.resolve(token);
    this.#inFlight ??= this.#request().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #request(): Promise<Token> {
    const o = this.#options;
    const transport = this.#transport ?? unboundTransport();
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (o.scopes && o.scopes.length > 0) form.set("scope", o.scopes.join(" "));
    if (o.audience) form.set("audience", o.audience);
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    // Scrubbed from a failed token response, in case the endpoint echoes its request back.
    const secrets = [o.clientSecret];
    if (o.clientAuth === "client_secret_basic") {
      // RFC 6749 §2.3.1: each part form-encoded before base64.
      const pair = `${encodeURIComponent(o.clientId)}:${encodeURIComponent(o.clientSecret)}`;
      const encoded = Buffer.from(pair).toString("base64");
      headers.authorization = `Basic ${encoded}`;
      secrets.push(encoded);
    } else {
      form.set("client_id", o.clientId);
      form.set("client_secret", o.clientSecret);
    }
    const url = new URL(o.tokenUrl);
    this.tokenRequests += 1;
    let data: unknown;
    let status: number;
    try {
      ({ data, status } = await send(transport.dispatcher, createRedactor({ secrets }), {
        method: "POST",
        url,
        headers,
        body: form.toString(),
        skipAuth: true,
      }));
    } catch (error) {
      throw tokenError(error, transport.redactUrl(url));
    }
    const body = (data ?? {}) as Record<string, unknown>;
    const value = body.access_token;
    if (typeof value !== "string" || value === "") {
      throw new AuthError(
        `OAuth2 token response from ${transport.redactUrl(url)} has no access_token${describeOAuthError(body)}`,
        { status, url: transport.redactUrl(url), method: "POST", ...oauthFields(body) },
      );
    }
    transport.addSecret(value);
    const expiresIn = Number(body.expires_in);
    const seconds = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN_S;
    let instanceUrl: URL | undefined;
    if (typeof body.instance_url === "string") {
      try {
        instanceUrl = new URL(body.instance_url);
      } catch {
        throw new AuthError(`OAuth2 token response has an invalid instance_url: ${body.instance_url}`, {
          status,
          url: transport.redactUrl(url),
        });
      }
    } else if (o.instanceUrlFromToken) {
      throw new AuthError("OAuth2 token response has no instance_url, which this API needs", {
        status,
        url: transport.redactUrl(url),
      });
    }
    this.#token = { value, expiresAt: this.#now() + seconds * 1000, instanceUrl };
    return this.#token;
  }
}

function oauthFields(body: Record<string, unknown>) {
  return {
    oauthError: typeof body.error === "string" ? body.error : undefined,
    oauthErrorDescription: typeof body.error_description === "string" ? body.error_description : undefined,
  };
}

function describeOAuthError(body: Record<string, unknown>): string {
  const { oauthError, oauthErrorDescription } = oauthFields(body);
  if (!oauthError) return "";
  return `: ${oauthError}${oauthErrorDescription ? ` (${oauthErrorDescription})` : ""}`;
}

/** A failed token request as an AuthError with the OAuth error fields, or the transport's own error. */
function tokenError(error: unknown, url: string): ApikitError {
  if (!(error instanceof HttpError)) {
    if (error instanceof ApikitError) {
      error.message = `OAuth2 token request to ${url} failed: ${error.message}`;
      return error;
    }
    return new ApikitError(`OAuth2 token request to ${url} failed: ${String(error)}`, { cause: error });
  }
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(error.bodyExcerpt) as Record<string, unknown>;
  } catch {
    // Not JSON: the excerpt is in the cause.
  }
  return new AuthError(
    `OAuth2 token request to ${url} failed with ${error.status}${describeOAuthError(body)}`,
    {
      status: error.status,
      method: "POST",
      url,
      bodyExcerpt: error.bodyExcerpt,
      attempts: error.attempts,
      cause: error,
      ...oauthFields(body),
    },
  );
}

function unboundTransport(): AuthTransport {
  const redactor = createRedactor();
  return {
    dispatcher: getGlobalDispatcher(),
    addSecret: (s) => redactor.addSecret(s),
    redactUrl: (u) => redactor.redactUrl(u),
  };
}
