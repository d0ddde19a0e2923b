// The heavy native backends load lazily, on first use, so `import { Apikit }` stays fast and a missing
// backend is an OutputError that names the package to install.
import { OutputError } from "../errors.js";
import { deniedByDeno, whyNotLoaded } from "../util/optional-package.js";

type DuckDB = typeof import("@duckdb/node-api");
type Polars = typeof import("nodejs-polars").default;
type Arrow = typeof import("apache-arrow");

/** Imports an optional package; a missing or broken one is an OutputError naming what to install. */
export async function loadOptional<T>(name: string, importer: () => Promise<T>, feature: string): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    if (deniedByDeno(error)) {
      throw new OutputError(
        `${feature} needs the package "${name}", which Deno did not allow to load: ${(error as Error).message}. ` +
          "Run the script with that permission (deno run -A, or the flags the README's notebook section lists); Deno's Jupyter kernel allows all",
        { cause: error },
      );
    }
    throw new OutputError(
      `${feature} needs the package "${name}", which ${whyNotLoaded(error)}. Install it with: npm install ${name}`,
      { cause: error },
    );
  }
}

export const loadDuckDB = (feature: string): Promise<DuckDB> =>
  loadOptional("@duckdb/node-api", () => import("@duckdb/node-api"), feature);
export const loadPolars = async (feature: string): Promise<Polars> =>
  (await loadOptional("nodejs-polars", () => import("nodejs-polars"), feature)).default;
export const loadArrow = (feature: string): Promise<Arrow> =>
  loadOptional("apache-arrow", () => import("apache-arrow"), feature);
