// What the transport reports: the hook contexts, and the Observer that fans events out to the logger
// and the hooks, so a throwing hook is logged and never breaks a request.
import { type Logger, logsAt, silentLogger } from "../base/index.js";

export interface RequestEvent {
  method: string;
  /** Redacted. */
  url: string;
}

export interface ResponseEvent extends RequestEvent {
  status: number;
  latencyMs: number;
  attempts: number;
}

export interface RetryEvent extends RequestEvent {
  /** The attempt that failed (1 = the first try). */
  attempt: number;
  /** The most attempts this request may make (maxRetries + 1); a wait budget may end it sooner. */
  maxAttempts: number;
  /** How long the transport waits before the next attempt, in ms. */
  waitMs: number;
  reason: string;
  status?: number;
}

export interface RateLimitEvent extends RequestEvent {
  waitMs: number;
  reason: string;
  remaining?: number;
  limit?: number;
}

export interface ErrorEvent extends RequestEvent {
  error: Error;
  attempts?: number;
}

export interface PageEvent {
  /** Redacted. */
  url: string;
  index: number;
  status: number;
  records: number;
  totalRecords: number;
  /** Response body size in bytes. */
  bytes: number;
}

type HookResult = void | Promise<void>;

export interface Hooks {
  onRequest?(event: RequestEvent): HookResult;
  onResponse?(event: ResponseEvent): HookResult;
  onRetry?(event: RetryEvent): HookResult;
  onRateLimit?(event: RateLimitEvent): HookResult;
  onPage?(event: PageEvent): HookResult;
  onError?(event: ErrorEvent): HookResult;
}

/** A wait for people: "350 ms" under a second, "2.1 s" from there on. */
export function formatWait(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Fans transport events out to the logger, to the client's hooks, and to listeners that come and go
 * (listen()): a pull's progress bar, the transport's adaptive budget. One per client, shared by its
 * transport (requests, retries, rate-limit waits) and its pulls (pages), so a listener hears both.
 */
export class Observer {
  /** Replaced, never changed in place: call() iterates the array it read, whoever unsubscribes meanwhile. */
  #listeners: readonly Hooks[] = [];
  /** Whether some listener hears requests, responses or errors (the events `quiet` lets the hot path skip). */
  #listenersHearRequests = false;
  /** Whether the logger writes debug lines (requests are logged there): asked once, not per request. */
  readonly #logsRequests: boolean;

  constructor(
    readonly logger: Logger = silentLogger,
    readonly hooks: Hooks = {},
  ) {
    this.#logsRequests = logsAt(logger, "debug");
  }

  /**
   * Nothing listens to requests: no logger that writes debug lines (where requests are logged; the
   * default logger writes warnings only) and no request/response/error hooks or listeners, so the
   * hot path skips the bookkeeping.
   */
  get quiet(): boolean {
    const h = this.hooks;
    return !this.#logsRequests && !h.onRequest && !h.onResponse && !h.onError && !this.#listenersHearRequests;
  }

  /**
   * Adds `hooks` until the returned function is called (once or more: the later calls do nothing).
   * A listener hears every event of the client from then on, whichever call caused it (two pulls at
   * once each hear the other's retries), and before the client's own hooks. Cheap to have none: the
   * hot path pays only when a listener takes requests, responses or errors.
   */
  listen(hooks: Hooks): () => void {
    this.#setListeners([...this.#listeners, hooks]);
    let listening = true;
    return () => {
      if (!listening) return;
      listening = false;
      const at = this.#listeners.indexOf(hooks);
      if (at >= 0) this.#setListeners(this.#listeners.toSpliced(at, 1));
    };
  }

  /** How many listeners listen now. */
  get listeners(): number {
    return this.#listeners.length;
  }

  #setListeners(listeners: readonly Hooks[]): void {
    this.#listeners = listeners;
    this.#listenersHearRequests = listeners.some((h) => h.onRequest || h.onResponse || h.onError);
  }

  /**
   * Calls the listeners' hook `name`, then the client's; sync throws and async rejections are logged,
   * never propagated. Gives back a promise when some hook is async (a pull awaits onPage's).
   */
  call<K extends keyof Hooks>(name: K, event: Parameters<NonNullable<Hooks[K]>>[0]): void | Promise<void> {
    const listeners = this.#listeners;
    if (listeners.length === 0) return this.#callOne(this.hooks, name, event);
    // No array unless a hook is async: with hooks on requests, this runs for each of them.
    let pending: Array<Promise<void>> | undefined;
    for (const hooks of listeners) {
      const result = this.#callOne(hooks, name, event);
      if (result) {
        pending ??= [];
        pending.push(result);
      }
    }
    const own = this.#callOne(this.hooks, name, event);
    if (own) {
      pending ??= [];
      pending.push(own);
    }
    if (!pending) return;
    return pending.length === 1 ? pending[0] : Promise.all(pending).then(() => undefined);
  }

  #callOne<K extends keyof Hooks>(
    hooks: Hooks,
    name: K,
    event: Parameters<NonNullable<Hooks[K]>>[0],
  ): void | Promise<void> {
    const hook = hooks[name] as ((e: typeof event) => HookResult) | undefined;
    if (!hook) return;
    try {
      const result = hook.call(hooks, event);
      if (result && typeof (result as Promise<void>).then === "function") {
        return (result as Promise<void>).catch((error: unknown) => this.hookFailed(name, error));
      }
    } catch (error) {
      this.hookFailed(name, error);
    }
  }

  private hookFailed(name: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error(`hook ${name} threw; the request goes on`, { error: message });
  }

  retry(event: RetryEvent): void {
    // Why it waits comes first: a refused connection spends most of a minute here before it fails.
    this.logger.info(
      `retrying in ${formatWait(event.waitMs)} (attempt ${event.attempt + 1} of ${event.maxAttempts}): ${event.reason} — ${event.method} ${event.url}`,
    );
    void this.call("onRetry", event);
  }

  rateLimit(event: RateLimitEvent): void {
    this.logger.info(
      `holding ${event.method} ${event.url} for ${Math.round(event.waitMs)} ms: ${event.reason}`,
    );
    void this.call("onRateLimit", event);
  }
}
