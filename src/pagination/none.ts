// A single request: no pagination.
import type { PageRequest, Paginator } from "./types.js";

export class NoPaginator implements Paginator {
  readonly strategy = "none";
  first(request: PageRequest): PageRequest {
    return request;
  }
  next(): null {
    return null;
  }
}
