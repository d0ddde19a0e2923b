// Optional native packages (nodejs-polars, @duckdb/node-api, @napi-rs/keyring) load on first use;
// when one cannot be loaded, the error says whether it is missing or broken.

/** "is not installed" or "failed to load (why)", for a message that names the package to install. */
export function whyNotLoaded(error: unknown): string {
  const code = (error as { code?: string }).code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND"
    ? "is not installed"
    : `failed to load (${(error as Error).message})`;
}

/**
 * Deno refused the load (a Node-API addon needs --allow-ffi, nodejs-polars --allow-sys too): the
 * package is installed, so the remedy is the permission Deno's message names, not an install.
 */
export function deniedByDeno(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === "NotCapable" || name === "PermissionDenied";
}
