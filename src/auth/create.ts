// Builds the strategy an AuthConfig describes.
import type { AuthStrategy } from "../base/index.js";
import type { AuthConfig } from "../config/index.js";
import { ApiKeyAuth } from "./api-key.js";
import { BasicAuth } from "./basic.js";
import { BearerAuth } from "./bearer.js";
import { NoAuth } from "./none.js";
import { OAuth2ClientCredentials } from "./oauth2.js";

export function createAuthStrategy(config: AuthConfig): AuthStrategy {
  switch (config.type) {
    case "none":
      return new NoAuth();
    case "bearer":
      return new BearerAuth(config.token);
    case "apikey":
      return new ApiKeyAuth(config.apiKey, { header: config.header, queryParam: config.queryParam });
    case "basic":
      return new BasicAuth(config.username, config.password);
    case "oauth2":
      return new OAuth2ClientCredentials(config);
  }
}
