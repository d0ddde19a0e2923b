// Builds the paginator a strategy names.
import type { Logger } from "../http/index.js";
import { AutoPaginator } from "./auto.js";
import { fixedPaginator } from "./fixed.js";
import type { Paginator, ResolvedPagination } from "./types.js";

export function createPaginator(config: ResolvedPagination, logger?: Logger): Paginator {
  const strategy = config.strategy ?? "none";
  return strategy === "auto" ? new AutoPaginator(config, logger) : fixedPaginator(strategy, config);
}
