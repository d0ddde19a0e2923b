// Builds the paginator of a strategy named outright (every one but `auto`): for createPaginator, and
// for the auto strategy once it has detected which one a listing uses.
import { CursorPaginator } from "./cursor.js";
import { LinkPaginator } from "./link.js";
import { NoPaginator } from "./none.js";
import { OffsetPaginator } from "./offset.js";
import { PagePaginator } from "./page-number.js";
import type { DetectedPagination, Paginator, ResolvedPagination } from "./types.js";

export function fixedPaginator(
  strategy: DetectedPagination["strategy"],
  config: ResolvedPagination,
): Paginator {
  switch (strategy) {
    case "offset":
      return new OffsetPaginator(config);
    case "page":
      return new PagePaginator(config);
    case "cursor":
      return new CursorPaginator(config);
    case "link":
      return new LinkPaginator(config);
    case "none":
      return new NoPaginator();
  }
}
