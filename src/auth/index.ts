export type { AuthRequest, AuthStrategy, AuthTransport } from "../base/index.js";
export { ApiKeyAuth } from "./api-key.js";
export { BasicAuth } from "./basic.js";
export { BearerAuth } from "./bearer.js";
export { createAuthStrategy } from "./create.js";
export { NoAuth } from "./none.js";
export { OAuth2ClientCredentials, type OAuth2Options } from "./oauth2.js";
