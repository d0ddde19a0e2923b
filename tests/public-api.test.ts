// The public API is a decision: these are the names src/index.ts exports (values and types). A change
// to either list fails here until the list below is changed with it, so it shows in review. Internals
// (the built-in paginator classes, retry decisions, demo fixtures, checkpoint fields) stay out.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

const VALUES = [
  "ApiConfig",
  "ApiKeyAuth",
  "Apikit",
  "ApikitError",
  "AuthConfig",
  "AuthError",
  "BasicAuth",
  "BearerAuth",
  "ClientClosedError",
  "Cluster",
  "ClusterError",
  "ConfigError",
  "ConfigManager",
  "ConnectorNotFoundError",
  "ConnectorRegistry",
  "DbtExporter",
  "DryRunResult",
  "FORMATS",
  "GenericHmacValidator",
  "GitHubWebhookValidator",
  "GraphQLError",
  "HttpError",
  "InspectorResult",
  "NetworkError",
  "NoAuth",
  "NotFoundError",
  "OAuth2ClientCredentials",
  "OutputError",
  "PaginationConfig",
  "PaginationError",
  "PaginationStrategy",
  "RateLimitConfig",
  "RateLimitError",
  "RateLimitState",
  "RecordValidationError",
  "RetryConfig",
  "StripeWebhookValidator",
  "TimeoutError",
  "WebhookReceiver",
  "WebhookSignatureError",
  "cloneRequest",
  "connectors",
  "consoleLogger",
  "createAuthStrategy",
  "createDispatcher",
  "defaultConfigPath",
  "defineConnector",
  "firstHeaderValue",
  "flattenRecord",
  "flattenRecords",
  "formatFromPath",
  "getPath",
  "getWriter",
  "headerValue",
  "inferSchema",
  "loadSpec",
  "recordsToArrow",
  "recordsToPolars",
  "resolveCredential",
  "startDemoServer",
  "startWorker",
  "toJson",
];

const TYPES = [
  "AddConnectorOptions",
  "ApiConfigInput",
  "ApiResponse",
  "ApikitDispatcher",
  "ApikitOptions",
  "ArrowTable",
  "AuthConfigInput",
  "AuthRequest",
  "AuthStrategy",
  "AuthTransport",
  "CheckpointState",
  "CheckpointStore",
  "ClusterOptions",
  "ClusterWorker",
  "CollectedRecords",
  "ColumnType",
  "ConfigManagerOptions",
  "ConnectorConfig",
  "ConnectorDefinition",
  "ConnectorOption",
  "ConnectorSummary",
  "CredentialContext",
  "CredentialField",
  "CredentialQuery",
  "DbtClientExportOptions",
  "DbtColumn",
  "DbtExportOptions",
  "DbtExportResult",
  "DbtExporterOptions",
  "DbtFile",
  "DemoServer",
  "DemoServerOptions",
  "DetectedPagination",
  "DispatcherOptions",
  "ErrorEvent",
  "FetchManyOptions",
  "FetchManyResult",
  "FetchManySpec",
  "FetchOptions",
  "FileOutputOptions",
  "FileOutputResult",
  "FlattenOptions",
  "Format",
  "FrameOptions",
  "FromNameOptions",
  "GenericHmacOptions",
  "GraphQLOptions",
  "HmacAlgorithm",
  "Hooks",
  "IncrementalOptions",
  "InspectOptions",
  "InspectorInfo",
  "InvalidRecord",
  "ListingPage",
  "Logger",
  "Manifest",
  "OAuth2Options",
  "OnInvalid",
  "Page",
  "PageEvent",
  "PageRequest",
  "PageResponse",
  "PageSource",
  "PaginationConfigInput",
  "Paginator",
  "Params",
  "PartitionFailure",
  "PolarsDataFrame",
  "PullSpec",
  "PullSpecInput",
  "PullState",
  "PullStatus",
  "RateGate",
  "RateLimitEvent",
  "RecordOptions",
  "RecordSource",
  "RecordStream",
  "RequestEvent",
  "RequestOptions",
  "ResolvedCredential",
  "ResponseEvent",
  "RetryConfigInput",
  "RetryEvent",
  "SecretStore",
  "SignatureEncoding",
  "StoredConnector",
  "StripeValidatorOptions",
  "WaitOptions",
  "WebhookEvent",
  "WebhookHeaders",
  "WebhookReceiverOptions",
  "WebhookValidator",
  "WorkerOptions",
  "WriteOptions",
  "WriteResult",
  "Writer",
];

/** The type-only names of the export lists of src/index.ts. */
function exportedTypes(): string[] {
  const text = readFileSync(join(import.meta.dirname, "../src/index.ts"), "utf8");
  const names = new Set<string>();
  for (const [, typeOnly, list] of text.matchAll(/export\s+(type\s+)?\{([^}]*)\}/g)) {
    for (const part of list!.split(",")) {
      const name = part.trim();
      if (name !== "" && (typeOnly || name.startsWith("type "))) names.add(name.replace(/^type\s+/, ""));
    }
  }
  return [...names].sort();
}

describe("the public API", () => {
  it("exports exactly these values", () => {
    expect(Object.keys(api).sort()).toEqual(VALUES);
  });

  it("exports exactly these types, and every export of src/index.ts is named in a list", () => {
    expect(exportedTypes()).toEqual(TYPES);
    // No wildcard re-export could add names behind the lists' back.
    expect(readFileSync(join(import.meta.dirname, "../src/index.ts"), "utf8")).not.toMatch(
      /export \*(?! from "\.\/errors\.js")/,
    );
  });
});
