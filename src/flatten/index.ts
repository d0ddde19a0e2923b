export {
  type ColumnSink,
  type FlattenOptions,
  flattenInto,
  flattenRecord,
  flattenRecords,
  toJson,
} from "./flatten.js";
export {
  type Column,
  type ColumnType,
  inferSchema,
  inferType,
  parentsAmong,
  SchemaBuilder,
  type SchemaOptions,
  widenType,
} from "./schema.js";
