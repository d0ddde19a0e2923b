export { closeMatches, editDistance } from "../util/suggest.js";
export * from "./builtin/index.js";
export {
  AUTH_CREDENTIALS,
  type ConnectorSpec,
  checkOption,
  connectorNeeds,
  credentialEnv,
  defineConnector,
  hostOption,
  tokenUse,
} from "./define.js";
export {
  type ConnectorDefinitionInput,
  type ConnectorRegistration,
  ConnectorRegistry,
  connectors,
} from "./registry.js";
export type {
  ConnectorAuthType,
  ConnectorConfig,
  ConnectorDefinition,
  ConnectorNeed,
  ConnectorOption,
  ConnectorTokenUse,
  ConnectorUrls,
  CredentialField,
} from "./types.js";
