// apikit's public API (re-exports only).
// Must stay first: an old Node is turned away with one clear error before any other module is evaluated.
import "./util/node-guard.js";

export {
  ApiKeyAuth,
  type AuthRequest,
  type AuthStrategy,
  type AuthTransport,
  BasicAuth,
  BearerAuth,
  createAuthStrategy,
  NoAuth,
  OAuth2ClientCredentials,
  type OAuth2Options,
} from "./auth/index.js";
export { firstHeaderValue, headerValue } from "./base/index.js";
export {
  type AddConnectorOptions,
  ApiConfig,
  type ApiConfigInput,
  AuthConfig,
  type AuthConfigInput,
  ConfigManager,
  type ConfigManagerOptions,
  type ConnectorSummary,
  type CredentialContext,
  type CredentialField,
  type CredentialQuery,
  defaultConfigPath,
  PaginationConfig,
  type PaginationConfigInput,
  PaginationStrategy,
  RateLimitConfig,
  type ResolvedCredential,
  RetryConfig,
  type RetryConfigInput,
  resolveCredential,
  type SecretStore,
  type StoredConnector,
} from "./config/index.js";
export {
  type ConnectorConfig,
  type ConnectorDefinition,
  type ConnectorOption,
  ConnectorRegistry,
  connectors,
  defineConnector,
} from "./connectors/index.js";
export {
  type DbtClientExportOptions,
  type DbtColumn,
  DbtExporter,
  type DbtExporterOptions,
  type DbtExportOptions,
  type DbtExportResult,
  type DbtFile,
  type PageSource,
} from "./dbt/index.js";
export { type DemoServer, type DemoServerOptions, startDemoServer } from "./demo/index.js";
export * from "./errors.js";
export {
  Apikit,
  type ApikitOptions,
  type ApiResponse,
  type CollectedRecords,
  DryRunResult,
  type FetchManyOptions,
  type FetchManyResult,
  type FetchManySpec,
  type FetchOptions,
  type FileOutputOptions,
  type FileOutputResult,
  type FromNameOptions,
  type GraphQLOptions,
  type IncrementalOptions,
  type InspectOptions,
  type InvalidRecord,
  type ListingPage,
  type OnInvalid,
  type Params,
  type RecordOptions,
  type RecordStream,
  type RequestOptions,
} from "./facade/index.js";
export {
  type ColumnType,
  type FlattenOptions,
  flattenRecord,
  flattenRecords,
  inferSchema,
  toJson,
} from "./flatten/index.js";
export {
  type ApikitDispatcher,
  consoleLogger,
  createDispatcher,
  type DispatcherOptions,
  type ErrorEvent,
  type Hooks,
  type Logger,
  type PageEvent,
  type RateLimitEvent,
  RateLimitState,
  type RequestEvent,
  type ResponseEvent,
  type RetryEvent,
} from "./http/index.js";
export { type InspectorInfo, InspectorResult } from "./inspect/index.js";
// The paginator contract, for an API the built-in strategies do not cover (the `paginator` option);
// the built-in paginators themselves are chosen by options, not constructed.
export {
  cloneRequest,
  type DetectedPagination,
  getPath,
  type Page,
  type PageRequest,
  type PageResponse,
  type Paginator,
} from "./pagination/index.js";
export {
  type GenericHmacOptions,
  GenericHmacValidator,
  GitHubWebhookValidator,
  type HmacAlgorithm,
  type SignatureEncoding,
  type StripeValidatorOptions,
  StripeWebhookValidator,
  type WebhookEvent,
  type WebhookHeaders,
  WebhookReceiver,
  type WebhookReceiverOptions,
  type WebhookValidator,
} from "./webhook/index.js";
export {
  type ArrowTable,
  FORMATS,
  type Format,
  type FrameOptions,
  formatFromPath,
  getWriter,
  type PolarsDataFrame,
  type RecordSource,
  recordsToArrow,
  recordsToPolars,
  type WriteOptions,
  type WriteResult,
  type Writer,
} from "./writers/index.js";
