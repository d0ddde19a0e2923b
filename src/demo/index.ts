// The embedded demo API: a deterministic sample server (one resource per pagination style) for
// `apikit demo`, tests and benchmarks, and the pull that `apikit demo` runs against it.
export { catalogEntry, DEMO_CATALOG, type DemoResourceInfo } from "./catalog.js";
export { DEFAULT_FAULTS, type FaultSchedule } from "./faults.js";
export { DEMO_REVIEWS_QUERY } from "./graphql.js";
export { previewParquet } from "./preview.js";
export {
  DEMO_DUCKDB_FILE,
  type DemoPullOptions,
  type DemoPullResult,
  type PulledResource,
  pullDemo,
} from "./pull.js";
export {
  DEFAULT_SEED,
  DEFAULT_SIZE,
  DEMO_RESOURCES,
  type DemoResource,
  demoRecord,
  demoRecordRange,
  demoRecords,
} from "./records.js";
export {
  type DemoServer,
  type DemoServerOptions,
  type DemoStats,
  type ResourceStats,
  startDemoServer,
} from "./server.js";
export { displayPath, formatBytes, formatSummary, type SummaryInput } from "./summary.js";
