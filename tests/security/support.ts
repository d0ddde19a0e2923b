// The security suite's instruments: a store of everything apikit printed, returned or wrote, searched
// for sentinel secrets, and a logger and hooks that put every message and event into it.
import { Console } from "node:console";
import { Writable } from "node:stream";
import { inspect } from "node:util";
import type { Hooks, Logger } from "../../src/http/index.js";

/** JSON that keeps what JSON.stringify would drop or choke on: errors (with stacks) and bigints. */
export function serialize(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === "bigint") return v.toString();
      if (v instanceof Error)
        return { ...v, name: v.name, message: v.message, stack: v.stack, cause: v.cause };
      return v;
    }) ?? String(value)
  );
}

export class Outputs {
  readonly #texts: Array<{ where: string; text: string }> = [];
  readonly #bytes: Array<{ where: string; bytes: Buffer }> = [];

  constructor(private readonly secrets: Readonly<Record<string, string>>) {}

  /** How many outputs were collected, in all and by where they came from. */
  count(prefix = ""): number {
    return [...this.#texts, ...this.#bytes].filter((o) => o.where.startsWith(prefix)).length;
  }

  text(where: string, text: string): void {
    this.#texts.push({ where, text });
  }

  bytes(where: string, bytes: Buffer): void {
    this.#bytes.push({ where, bytes });
  }

  /** A returned value, as a program would log it: JSON and util.inspect. */
  value(where: string, value: unknown): void {
    this.text(`${where} (JSON)`, serialize(value));
    this.text(`${where} (inspect)`, inspect(value, { depth: 8 }));
  }

  /**
   * Every way a program or a notebook prints an object: String(), JSON.stringify, util.inspect (as is,
   * and at every depth with hidden properties) and console.log. Returns them, for shape checks.
   */
  printed(
    where: string,
    value: unknown,
  ): Record<"string" | "json" | "inspect" | "inspectAll" | "log", string> {
    const forms = {
      string: String(value),
      json: jsonOf(value),
      inspect: inspect(value),
      inspectAll: inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
      log: consoleLog(value),
    };
    for (const [form, text] of Object.entries(forms)) this.text(`${where} ${form}`, text);
    return forms;
  }

  /** Everything a caller may print or serialise of an error, down its cause chain. */
  error(where: string, error: unknown): void {
    let current: unknown = error;
    for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
      const label = depth === 0 ? where : `${where} (cause ${depth})`;
      this.text(`${label} String`, String(current));
      this.text(`${label} JSON`, serialize(current));
      this.text(`${label} inspect`, inspect(current, { depth: 8 }));
      if (current instanceof Error) {
        const fields = current as Error & Record<string, unknown>;
        this.text(`${label} message`, current.message);
        this.text(`${label} stack`, current.stack ?? "");
        for (const field of ["url", "bodyExcerpt", "headers", "errors", "issues", "oauthErrorDescription"]) {
          if (fields[field] !== undefined) this.text(`${label} .${field}`, serialize(fields[field]));
        }
        current = current.cause;
      } else current = undefined;
    }
  }

  /** "<where>: <secret name>" for every output that holds a secret. */
  leaks(): string[] {
    const found: string[] = [];
    for (const [name, secret] of Object.entries(this.secrets)) {
      for (const { where, text } of this.#texts) if (text.includes(secret)) found.push(`${where}: ${name}`);
      for (const { where, bytes } of this.#bytes) if (bytes.includes(secret)) found.push(`${where}: ${name}`);
    }
    return found;
  }
}

/** JSON.stringify's output, or its error's message for what JSON cannot hold (a cycle). */
function jsonOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "undefined";
  } catch (error) {
    return `JSON.stringify threw: ${(error as Error).message}`;
  }
}

/** What console.log writes for `value`: a Console on a stream that keeps the text. */
export function consoleLog(value: unknown): string {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  new Console({ stdout: stream, stderr: stream, colorMode: false }).log(value);
  return text;
}

/** A debug-level logger (consoleLogger-like) that keeps every message and its meta. */
export function captureLogger(out: Outputs, label: string): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    const line = `${level} ${message}${meta === undefined ? "" : ` ${serialize(meta)}`}`;
    lines.push(line);
    out.text(`${label} log`, line);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), lines };
}

/** Hooks for every transport event, each event kept whole (errors with message, stack and cause). */
export function captureHooks(out: Outputs, label: string): Hooks & { events: string[] } {
  const events: string[] = [];
  const keep = (name: string) => (event: object) => {
    events.push(name);
    out.text(`${label} hook ${name}`, serialize(event));
    if ("error" in event) out.error(`${label} hook ${name} error`, event.error);
  };
  return {
    onRequest: keep("onRequest"),
    onResponse: keep("onResponse"),
    onRetry: keep("onRetry"),
    onRateLimit: keep("onRateLimit"),
    onPage: keep("onPage"),
    onError: keep("onError"),
    events,
  };
}
