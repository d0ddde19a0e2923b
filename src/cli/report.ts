// How the CLI tells a user what went wrong: one line (what failed, where, what to try), the stack
// only with --verbose. Usage errors exit 2, everything else 1.
import {
  ApikitError,
  AuthError,
  ConfigError,
  HttpError,
  NetworkError,
  RateLimitError,
  TimeoutError,
} from "../index.js";

export class UsageError extends Error {}

function hint(error: unknown): string {
  if (error instanceof AuthError) return " Check the token (--token-env NAME reads it from the environment).";
  if (error instanceof RateLimitError) return " Try again later, or lower the request rate.";
  if (error instanceof TimeoutError) return " The server is slow: raise --timeout.";
  if (error instanceof NetworkError) return " Check the URL and that the server is reachable.";
  if (error instanceof HttpError && error.status >= 500)
    return " The server failed; retrying later may help.";
  return "";
}

export function reportError(error: unknown, options: { verbose: boolean }): number {
  const usage = error instanceof UsageError || error instanceof ConfigError;
  const message = error instanceof Error ? error.message : String(error);
  const label = error instanceof ApikitError ? error.name : usage ? "usage error" : "error";
  process.stderr.write(`apikit: ${label}: ${message}${hint(error)}\n`);
  if (options.verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return usage ? 2 : 1;
}
