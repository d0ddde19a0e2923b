// The logger contract (any object with debug/info/warn/error: console, pino, winston) and apikit's
// own loggers. The default writes warnings and errors to stderr (iki-apikit's default, WARNING), so
// "stopped at maxPages" or skipped records are seen; APIKIT_LOG_LEVEL changes the level, and
// `logger: false` or APIKIT_LOG_LEVEL=silent turns it off.
import { writeStderr } from "../util/notebook.js";

export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

const LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LEVELS)[number];

const noop = () => {};
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

/** The level of each logger apikit made, so the transport can skip work nobody would see. */
const levelOf = new WeakMap<Logger, number>([[silentLogger, LEVELS.length]]);

/** A stderr logger filtered by level. */
export function consoleLogger(level: LogLevel = "info"): Logger {
  const min = LEVELS.indexOf(level);
  const at =
    (l: LogLevel) =>
    (message: string, meta?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(l) < min) return;
      const extra = meta && Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta, jsonSafe)}` : "";
      writeStderr(`[apikit] ${l.toUpperCase()} ${message}${extra}\n`);
    };
  const logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  levelOf.set(logger, min);
  return logger;
}

/**
 * Whether `logger` writes messages of `level`: false for the silent logger and for apikit's stderr
 * loggers set above it; true for any other logger (it filters for itself).
 */
export function logsAt(logger: Logger, level: LogLevel): boolean {
  const min = levelOf.get(logger);
  return min === undefined || LEVELS.indexOf(level) >= min;
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return value;
}

/** APIKIT_LOG_LEVEL's spellings (any case): iki-apikit's DEBUG/INFO/WARNING/ERROR, WARN, and SILENT. */
const SPELLINGS: Record<string, LogLevel | "silent"> = {
  debug: "debug",
  info: "info",
  warning: "warn",
  warn: "warn",
  error: "error",
  silent: "silent",
};

/** The level APIKIT_LOG_LEVEL names: warn when unset; undefined for a value it does not know. */
export function logLevelFrom(value: string | undefined): LogLevel | "silent" | undefined {
  const key = value?.trim().toLowerCase();
  if (!key) return "warn";
  return Object.hasOwn(SPELLINGS, key) ? SPELLINGS[key] : undefined;
}

let warnedUnknown: string | undefined;

/**
 * The logger a client uses unless given one: warnings and errors on stderr, or the level
 * APIKIT_LOG_LEVEL names (DEBUG, INFO, WARNING/WARN, ERROR, SILENT, in any case). An unknown value
 * keeps warnings and says once that it was not understood.
 */
export function defaultLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const raw = env.APIKIT_LOG_LEVEL;
  const level = logLevelFrom(raw);
  if (level === "silent") return silentLogger;
  const logger = consoleLogger(level ?? "warn");
  if (level === undefined && warnedUnknown !== raw) {
    warnedUnknown = raw;
    logger.warn(
      `APIKIT_LOG_LEVEL=${JSON.stringify(raw)} is not a level (use DEBUG, INFO, WARNING, ERROR or SILENT); logging warnings and errors`,
    );
  }
  return logger;
}

/** The logger a `logger` option asks for: false → silent, a logger as it is, undefined → the default. */
export function chooseLogger(option: Logger | false | undefined, env?: NodeJS.ProcessEnv): Logger {
  if (option === false) return silentLogger;
  return option ?? defaultLogger(env);
}
