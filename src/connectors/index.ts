export { closeMatches, editDistance } from "../util/suggest.js";
export * from "./builtin/index.js";
export { type ConnectorSpec, checkOption, defineConnector, hostOption } from "./define.js";
export { ConnectorRegistry, connectors } from "./registry.js";
export type {
  ConnectorAuthType,
  ConnectorConfig,
  ConnectorDefinition,
  ConnectorOption,
  CredentialField,
} from "./types.js";
