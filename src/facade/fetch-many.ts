// fetchMany: several listings at once, at most `concurrency` at a time, keyed by label. Each label is
// one fetchRecords call, so it is a pull like any other and shares the client's request budget.
import type { Logger } from "../http/index.js";
import type { CollectedRecords, FetchManyOptions, FetchOptions } from "./call-options.js";
import { errorText } from "./core.js";

export type FetchManySpec = Record<string, string | readonly [path: string, options: FetchOptions]>;

/** What fetchMany gives each label: its records, or `{ records, errors }` where it collects invalid ones. */
export type FetchManyResult<S extends FetchManySpec> = {
  [K in keyof S]: S[K] extends readonly [string, { onInvalid: "collect" }]
    ? CollectedRecords<Record<string, unknown>>
    : Record<string, unknown>[];
};

type FetchRecords = (path: string, options: FetchOptions) => Promise<unknown>;

export async function fetchMany<S extends FetchManySpec>(
  fetchRecords: FetchRecords,
  logger: Logger,
  spec: S,
  options: FetchManyOptions,
): Promise<FetchManyResult<S>> {
  const concurrency = options.concurrency ?? 4;
  const onError = options.onError ?? "raise";
  const entries = Object.entries(spec);
  const results: Record<string, unknown> = {};
  let nextIndex = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && nextIndex < entries.length) {
      const [label, target] = entries[nextIndex++]!;
      const [path, opts] = typeof target === "string" ? [target, {}] : target;
      try {
        results[label] = await fetchRecords(path, { ...opts, dryRun: false });
      } catch (error) {
        if (onError === "raise") failure ??= error;
        else {
          const fate = onError === "skip" ? "skipped" : "left empty";
          logger.warn(`fetchMany: ${label} failed and was ${fate}: ${errorText(error)}`);
          if (onError === "empty")
            results[label] = opts.onInvalid === "collect" ? { records: [], errors: [] } : [];
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  if (failure !== undefined) throw failure;
  // Keep the caller's label order, whatever order the requests finished in.
  return Object.fromEntries(
    entries.filter(([l]) => l in results).map(([l]) => [l, results[l]]),
  ) as FetchManyResult<S>;
}
