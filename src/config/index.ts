export {
  type CredentialContext,
  type CredentialField,
  type CredentialQuery,
  envNamesFor,
  type ResolvedCredential,
  requireCredential,
  resolveCredential,
  resolveCredentialSync,
  type SecretStore,
} from "./credentials.js";
export {
  type AddConnectorOptions,
  ConfigManager,
  type ConfigManagerOptions,
  type ConnectorInput,
  type ConnectorSummary,
  defaultConfigPath,
  type StoredConnector,
} from "./manager.js";
export { redactBaseUrl, redactWhenPrinted } from "./redacted.js";
export * from "./schemas.js";
export { FLAT_AUTH, impliedAuthType } from "./spelling.js";
export {
  configError,
  issueLines,
  type OptionAliases,
  parseConfig,
  parseIssues,
  parseOptions,
} from "./validate.js";
