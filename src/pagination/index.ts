export { AutoPaginator } from "./auto.js";
export { createPaginator } from "./create.js";
export { CursorPaginator } from "./cursor.js";
export { detectPagination } from "./detect.js";
export { LinkPaginator } from "./link.js";
export {
  type FetchedPage,
  type LoopOptions,
  type LoopPage,
  type Page,
  paginate,
  type ResumePoint,
} from "./loop.js";
export { locateRecords, recordsAt, toNumber } from "./meta.js";
export { NoPaginator } from "./none.js";
export { OffsetPaginator } from "./offset.js";
export { PagePaginator } from "./page-number.js";
export { getPath, hasPath, type PathSegment, parsePath, setPath } from "./paths.js";
export {
  cloneRequest,
  DEFAULT_PAGE_SIZE,
  type DetectedPagination,
  type PageRequest,
  type PageResponse,
  type Paginator,
} from "./types.js";
