// The shared contracts every folder may import (the logger, the redactor, the auth strategy, the
// header shapes); base/ itself imports no other folder, so it can never close an import loop.
export { type AuthRequest, type AuthStrategy, type AuthTransport, noCredentials } from "./auth-strategy.js";
export { firstHeaderValue, forEachHeader, type HeaderInput, headerEntries, headerValue } from "./headers.js";
export {
  chooseLogger,
  consoleLogger,
  defaultLogger,
  type Logger,
  type LogLevel,
  logLevelFrom,
  logsAt,
  silentLogger,
} from "./logger.js";
export {
  createRedactor,
  defaultRedactor,
  isSecretHeader,
  REDACTED,
  type Redactor,
  type RedactorOptions,
} from "./redact.js";
