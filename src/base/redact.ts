// Secrets never leave apikit: URLs, headers and free text pass through a Redactor before they reach
// a log line, an error, a hook or dry-run output.
import { type HeaderInput, headerEntries } from "./headers.js";

export const REDACTED = "[REDACTED]";

const SECRET_HEADERS = [
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "x-auth-token",
  "api-key",
  "x-shopify-access-token",
];

const SECRET_PARAMS = [
  "api_key",
  "apikey",
  "api-key",
  "key",
  "token",
  "access_token",
  "refresh_token",
  "id_token",
  "client_secret",
  "secret",
  "signature",
  "sig",
  "password",
  "passwd",
  "auth",
  "authorization",
];

/** Names that are secret by what they contain, whatever the API calls them exactly. */
const SECRET_PARAM_PARTS = /token|secret|password|api_?key/i;
const SECRET_HEADER_PARTS = /token|secret|passw(?:or)?d|api[-_]?key/i;

/**
 * Whether a header carries a credential by its name alone (Authorization, GitLab's PRIVATE-TOKEN,
 * X-Api-Token, ...): redacted in output, dropped on cross-origin redirects when set on a client.
 */
export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADERS.includes(lower) || SECRET_HEADER_PARTS.test(lower);
}

export interface Redactor {
  redactUrl(url: string | URL): string;
  redactHeaders(headers: HeaderInput): Record<string, string>;
  redactText(text: string): string;
  addSecret(value: string): void;
}

export interface RedactorOptions {
  extraHeaders?: string[];
  extraParams?: string[];
  secrets?: string[];
}

export function createRedactor(options: RedactorOptions = {}): Redactor {
  const headers = new Set([...SECRET_HEADERS, ...(options.extraHeaders ?? []).map((h) => h.toLowerCase())]);
  const params = new Set([...SECRET_PARAMS, ...(options.extraParams ?? []).map((p) => p.toLowerCase())]);
  const secrets = new Set<string>();
  const isSecretParam = (name: string) => {
    const lower = name.toLowerCase();
    return params.has(lower) || SECRET_PARAM_PARTS.test(lower);
  };

  const redactText = (text: string): string => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };

  const redactor: Redactor = {
    redactUrl(input) {
      const text = typeof input === "string" ? input : input.toString();
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return redactText(
          text.replace(/([?&;]([^=&;#]+)=)([^&;#]*)/g, (m, lead: string, name: string) =>
            isSecretParam(name) ? `${lead}${REDACTED}` : m,
          ),
        );
      }
      if (url.username || url.password) {
        url.username = "";
        url.password = "";
        url = new URL(url.toString().replace("://", `://${encodeURIComponent(REDACTED)}@`));
      }
      if (url.search) {
        const kept: string[] = [];
        for (const [name, value] of url.searchParams) {
          kept.push(
            `${encodeURIComponent(name)}=${isSecretParam(name) ? REDACTED : encodeURIComponent(value)}`,
          );
        }
        url.search = kept.join("&");
      }
      return redactText(url.toString().replace(/%5BREDACTED%5D/gi, REDACTED));
    },
    redactHeaders(input) {
      const out: Record<string, string> = {};
      for (const [name, value] of headerEntries(input)) {
        if (headers.has(name) || SECRET_HEADER_PARTS.test(name)) {
          const scheme = name.endsWith("authorization") ? /^(\w+)\s+\S/.exec(value)?.[1] : undefined;
          out[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
        } else out[name] = redactText(value);
      }
      return out;
    },
    redactText,
    addSecret(value) {
      if (!value || value.length < 4) return;
      secrets.add(value);
      // The same secret as it travels in a query string or a form body, where servers echo it back.
      secrets.add(encodeURIComponent(value));
      secrets.add(new URLSearchParams({ s: value }).toString().slice(2));
    },
  };
  for (const secret of options.secrets ?? []) redactor.addSecret(secret);
  return redactor;
}

export const defaultRedactor: Redactor = createRedactor();
