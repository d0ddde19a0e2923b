// WebhookReceiver: a small HTTP server (127.0.0.1 by default) that verifies each delivery's
// signature, keeps accepted events in a bounded history, appends them durably to an NDJSON file and
// hands them to async iterators as they arrive.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { parseOptions } from "../config/index.js";
import { ConfigError, WebhookSignatureError } from "../errors.js";
import { defaultLogger, type Logger } from "../http/index.js";
import { Printable } from "../util/printable.js";
import { type FrameOptions, type PolarsDataFrame, recordsToPolars } from "../writers/index.js";
import { buildEvent, type WebhookEvent } from "./event.js";
import { EventLog } from "./event-log.js";
import { EventStream } from "./event-stream.js";
import { readBody } from "./read-body.js";
import { RingBuffer } from "./ring-buffer.js";
import type { WebhookValidator } from "./validator.js";

const ReceiverConfig = z.strictObject({
  port: z.number().int().min(0).max(65_535).default(0),
  host: z.string().min(1).default("127.0.0.1"),
  path: z.string().startsWith("/").default("/webhook"),
  outputFile: z.string().min(1).optional(),
  provider: z.string().min(1).optional(),
  maxEvents: z.number().int().positive().default(10_000),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
});

export interface WebhookReceiverOptions {
  /** Checks every delivery's signature; a delivery it rejects gets 401 and is not kept. */
  validator: WebhookValidator;
  /** 0 (the default) picks a free port; `start()` returns the URL. */
  port?: number;
  /** Default 127.0.0.1: reachable from this machine only (put a tunnel in front to expose it). */
  host?: string;
  /** The one path that takes deliveries. Default "/webhook". */
  path?: string;
  /** Append accepted events to this NDJSON file, flushed to disk before each 200. */
  outputFile?: string;
  /** How ids and types are read ("stripe", "github", anything else: generic). Default: the validator's. */
  provider?: string;
  /** Events kept in `events`; the oldest are dropped past it. Default 10 000. */
  maxEvents?: number;
  /** Larger bodies get 413 and are not read. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Default: silent unless APIKIT_LOG_LEVEL is set. Never given a secret, a header or a payload. */
  logger?: Logger;
}

/** How long stop() lets requests in flight finish before it closes their connections. */
const STOP_GRACE_MS = 1_000;

export class WebhookReceiver extends Printable implements AsyncIterable<WebhookEvent> {
  readonly port: number;
  readonly host: string;
  readonly path: string;
  readonly outputFile: string | undefined;
  readonly provider: string;
  readonly maxEvents: number;
  readonly maxBodyBytes: number;
  readonly #validator: WebhookValidator;
  readonly #logger: Logger;
  readonly #history: RingBuffer<WebhookEvent>;
  readonly #stream: EventStream<WebhookEvent>;
  #count = 0;
  #url: string | undefined;
  #server: Server | undefined;
  #log: EventLog | undefined;
  #running = false;
  #starting: Promise<string> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: WebhookReceiverOptions) {
    super();
    const { validator, logger, ...rest } = options;
    if (typeof validator?.validate !== "function") {
      throw new ConfigError(
        "WebhookReceiver needs a validator (StripeWebhookValidator, GitHubWebhookValidator, ...)",
        [{ path: "validator", message: "missing or not a validator" }],
      );
    }
    const config = parseOptions(ReceiverConfig, rest, "WebhookReceiver");
    this.port = config.port;
    this.host = config.host;
    this.path = config.path;
    this.outputFile = config.outputFile;
    this.provider = config.provider ?? validator.provider;
    this.maxEvents = config.maxEvents;
    this.maxBodyBytes = config.maxBodyBytes;
    this.#validator = validator;
    this.#logger = logger ?? defaultLogger();
    this.#history = new RingBuffer(config.maxEvents);
    this.#stream = new EventStream(config.maxEvents);
  }

  protected printable() {
    // Not the validator: a caller's own may keep its secret in a public field. Events are data: a count.
    return {
      provider: this.provider,
      url: this.#url ?? `(not listening; ${this.host}:${this.port}${this.path})`,
      eventCount: this.#count,
    };
  }

  /** The URL deliveries go to, while listening. */
  get url(): string | undefined {
    return this.#url;
  }

  /** Accepted events still kept, oldest first (at most maxEvents). */
  get events(): WebhookEvent[] {
    return this.#history.toArray();
  }

  /** Every event accepted since construction, including those dropped from `events`. */
  get eventCount(): number {
    return this.#count;
  }

  /** The bound address, while listening. */
  get address(): AddressInfo | undefined {
    return this.#running ? (this.#server?.address() as AddressInfo | undefined) : undefined;
  }

  /** Empties `events` (the output file and eventCount are left as they are). */
  clear(): void {
    this.#history.clear();
  }

  /** `events` as a polars DataFrame (flattened: payload__..., headers__...). */
  toPolars(options?: FrameOptions): Promise<PolarsDataFrame> {
    return recordsToPolars(this.#history.toArray(), options);
  }

  /** Events as they arrive from now on; ends when stop() is called. */
  [Symbol.asyncIterator](): AsyncIterator<WebhookEvent> {
    return this.#stream.iterate();
  }

  /** Opens the output file and starts listening; returns the URL (the same one if already listening). */
  start(): Promise<string> {
    this.#starting ??= this.#start().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #start(): Promise<string> {
    await this.#stopping;
    if (this.#running && this.#url) return this.#url;
    const log = this.outputFile ? new EventLog(this.outputFile) : undefined;
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => this.#failed(res, error));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(this.port, this.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      log?.close();
      throw error;
    }
    server.on("error", (error) => this.#logger.error("webhook receiver: server error", { error }));
    const { address, port } = server.address() as AddressInfo;
    this.#server = server;
    this.#log = log;
    this.#running = true;
    this.#stream.reopen();
    this.#url = `http://${address.includes(":") ? `[${address}]` : address}:${port}${this.path}`;
    this.#logger.info(`webhook receiver listening on ${this.#url}`, { provider: this.provider });
    return this.#url;
  }

  /** Stops listening (requests in flight get a moment to finish), closes the file, ends iterators. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop().finally(() => {
      this.#stopping = undefined;
    });
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
      timer.unref();
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      server.closeIdleConnections();
    });
    this.#running = false;
    this.#server = undefined;
    this.#log?.close();
    this.#log = undefined;
    this.#stream.close();
    this.#url = undefined;
    this.#logger.info("webhook receiver stopped", { events: this.#count });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? "/", "http://receiver").pathname;
    if (pathname !== this.path) return reply(res, 404, { error: "not found" });
    if (req.method !== "POST") return reply(res, 405, { error: "method not allowed" }, { allow: "POST" });
    let body: Buffer | "too-large";
    try {
      body = await readBody(req, this.maxBodyBytes);
    } catch (error) {
      // The sender went away mid-body: there is nobody left to answer.
      this.#logger.debug("webhook delivery abandoned by the client", { error });
      return;
    }
    if (body === "too-large") {
      this.#logger.warn("webhook rejected: body too large", { status: 413, maxBodyBytes: this.maxBodyBytes });
      // Whatever the client still sends is never read: the connection goes once the answer is out.
      res.once("finish", () => setImmediate(() => req.socket.destroy()));
      return reply(
        res,
        413,
        { error: `body larger than ${this.maxBodyBytes} bytes` },
        { connection: "close" },
      );
    }
    try {
      this.#validator.validate(body, req.headers);
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) throw error;
      this.#logger.warn(`webhook rejected: ${error.reason}`, { status: 401 });
      return reply(res, 401, { error: "invalid signature", reason: error.reason });
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString("utf8"));
    } catch {
      this.#logger.warn("webhook rejected: the body is not JSON", { status: 400 });
      return reply(res, 400, { error: "the body is not valid JSON" });
    }
    if (!this.#running) return reply(res, 503, { error: "the receiver is stopping" });
    const event = buildEvent(this.provider, req.headers, payload, this.#validator.signatureHeaders);
    // On disk first: only an event that is durably written is acknowledged and kept.
    this.#log?.append(event);
    this.#history.push(event);
    this.#count += 1;
    this.#stream.publish(event);
    this.#logger.debug("webhook accepted", { id: event.id, type: event.type });
    reply(res, 200, { received: true, id: event.id });
  }

  #failed(res: ServerResponse, error: unknown): void {
    this.#logger.error("webhook receiver: could not handle a delivery", { error });
    if (!res.headersSent) reply(res, 500, { error: "internal error" });
    else res.destroy();
  }
}

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
