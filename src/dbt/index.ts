// dbt export: a seed CSV, sources.yml and the seed's properties from any records or API listing.
export { type DbtColumn, DEFAULT_DATA_TYPES } from "./columns.js";
export {
  type DbtClientExportOptions,
  DbtExporter,
  type DbtExportResult,
  type DbtFile,
  type PageSource,
} from "./exporter.js";
export { DBT_IDENTIFIER, type DbtExporterOptions, type DbtExportOptions } from "./options.js";
