// Builds the paginator a strategy names.
import type { Logger } from "../http/index.js";
import { AutoPaginator } from "./auto.js";
import { CursorPaginator } from "./cursor.js";
import { LinkPaginator } from "./link.js";
import { NoPaginator } from "./none.js";
import { OffsetPaginator } from "./offset.js";
import { PagePaginator } from "./page-number.js";
import type { Paginator, ResolvedPagination } from "./types.js";

export function createPaginator(config: ResolvedPagination, logger?: Logger): Paginator {
  switch (config.strategy ?? "none") {
    case "offset":
      return new OffsetPaginator(config);
    case "page":
      return new PagePaginator(config);
    case "cursor":
      return new CursorPaginator(config);
    case "link":
      return new LinkPaginator(config);
    case "auto":
      return new AutoPaginator(config, logger);
    case "none":
      return new NoPaginator();
  }
}
