export { type ApikitDispatcher, createDispatcher, type DispatcherOptions } from "./dispatcher.js";
export {
  consoleLogger,
  defaultLogger,
  type ErrorEvent,
  formatWait,
  type Hooks,
  type Logger,
  Observer,
  type PageEvent,
  type RateLimitEvent,
  type RequestEvent,
  type ResponseEvent,
  type RetryEvent,
  silentLogger,
} from "./events.js";
export { parseJson } from "./json.js";
export { findLink, parseLinkHeader } from "./link-header.js";
export { RateLimitState } from "./rate-limit-state.js";
export { createRedactor, isSecretHeader, REDACTED, type Redactor } from "./redact.js";
export { parseRetryAfter } from "./retry-after.js";
export { backoffDelay, decideRetry, type RetryDecision, type RetryInput } from "./retry-policy.js";
export { type SendRequest, type SendResponse, send } from "./send.js";
