// models/<name>.yml: the seed's properties. Its config loads the CSV with the unified types
// (column_types) instead of dbt's guess from the text, and its columns carry the not_null tests the
// data supports. Other entries in the file, and descriptions a person wrote, are kept.
import type { YAMLMap } from "yaml";
import { columnEntry, type DbtColumn, keptDescriptions, tableDescription } from "./columns.js";
import type { ResolvedExportOptions } from "./options.js";
import { listAt, openDocument, renderDocument, upsertNamed } from "./yaml.js";

export function mergeModel(
  existing: string | undefined,
  path: string,
  options: ResolvedExportOptions,
  columns: readonly DbtColumn[],
): string {
  const { name } = options;
  const doc = openDocument(existing, path);
  const seeds = listAt(doc, doc.contents as YAMLMap, "seeds", path);
  upsertNamed(doc, seeds, name, (previous) => {
    const kept = keptDescriptions(previous);
    return {
      name,
      description: tableDescription(name, options.description, kept),
      config: {
        column_types: Object.fromEntries(columns.map((c) => [c.name, c.dataType])),
        ...(options.tags.length > 0 ? { tags: options.tags } : {}),
        ...(Object.keys(options.meta).length > 0 ? { meta: options.meta } : {}),
      },
      columns: columns.map((c) => columnEntry(c, kept, true)),
    };
  });
  return renderDocument(doc);
}
