// A missing optional backend is an OutputError that names the package to install.
import { describe, expect, it } from "vitest";
import { OutputError } from "../../src/errors.js";
import { loadOptional } from "../../src/writers/backends.js";

describe("optional backends", () => {
  it("names the package to install when it is missing", async () => {
    const missing = "apikit-test-no-such-package";
    const error = await loadOptional(missing, () => import(missing), "Parquet output").catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toBe(
      `Parquet output needs the package "${missing}", which is not installed. Install it with: npm install ${missing}`,
    );
  });

  it("loads an installed one", async () => {
    const duckdb = await loadOptional("@duckdb/node-api", () => import("@duckdb/node-api"), "DuckDB output");
    expect(typeof duckdb.DuckDBInstance.create).toBe("function");
  });
});
