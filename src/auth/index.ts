export { ApiKeyAuth } from "./api-key.js";
export { BasicAuth } from "./basic.js";
export { BearerAuth } from "./bearer.js";
export { createAuthStrategy } from "./create.js";
export { NoAuth } from "./none.js";
export type { AuthRequest, AuthStrategy } from "./strategy.js";
