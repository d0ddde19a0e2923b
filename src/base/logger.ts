// The logger contract (any object with debug/info/warn/error: console, pino, winston) and apikit's
// own loggers: silent by default, a stderr logger when APIKIT_LOG_LEVEL is set.

export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

const LEVELS = ["debug", "info", "warn", "error"] as const;
type Level = (typeof LEVELS)[number];

const noop = () => {};
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** A stderr logger filtered by level; the default when APIKIT_LOG_LEVEL is set. */
export function consoleLogger(level: Level = "info"): Logger {
  const min = LEVELS.indexOf(level);
  const at =
    (l: Level) =>
    (message: string, meta?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(l) < min) return;
      const extra = meta && Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta, jsonSafe)}` : "";
      process.stderr.write(`[apikit] ${l.toUpperCase()} ${message}${extra}\n`);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return value;
}

export function defaultLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const level = env.APIKIT_LOG_LEVEL?.toLowerCase();
  if (!level) return silentLogger;
  return consoleLogger((LEVELS as readonly string[]).includes(level) ? (level as Level) : "info");
}
