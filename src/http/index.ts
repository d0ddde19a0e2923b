export {
  chooseLogger,
  consoleLogger,
  createRedactor,
  defaultLogger,
  isSecretHeader,
  type Logger,
  type LogLevel,
  logsAt,
  REDACTED,
  type Redactor,
  silentLogger,
} from "../base/index.js";
export { type ApikitDispatcher, createDispatcher, type DispatcherOptions, observerOf } from "./dispatcher.js";
export {
  type ErrorEvent,
  formatWait,
  type Hooks,
  Observer,
  type PageEvent,
  type RateLimitEvent,
  type RequestEvent,
  type ResponseEvent,
  type RetryEvent,
} from "./events.js";
export { parseJson } from "./json.js";
export { AdaptiveLimiter } from "./limiter.js";
export { findLink, parseLinkHeader } from "./link-header.js";
export type { RateGate } from "./rate-gate.js";
export { type Headroom, RateLimitState } from "./rate-limit-state.js";
export { parseRetryAfter } from "./retry-after.js";
export { backoffDelay, decideRetry, type RetryDecision, type RetryInput } from "./retry-policy.js";
export { type SendRequest, type SendResponse, send } from "./send.js";
