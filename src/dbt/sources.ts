// models/sources.yml: declares the exported table under its source. Merged into the file as it is:
// the entry with the same source and table name is replaced in place, everything else is kept, and
// names are matched exactly, so "users" never touches "users_archive" nor "raw" touch "raw_v2".
import type { YAMLMap } from "yaml";
import { OutputError } from "../errors.js";
import { columnEntry, type DbtColumn, keptDescriptions, tableDescription } from "./columns.js";
import type { ResolvedExportOptions } from "./options.js";
import { createNode, findNamed, listAt, openDocument, renderDocument, textAt, upsertNamed } from "./yaml.js";

export function mergeSources(
  existing: string | undefined,
  path: string,
  options: ResolvedExportOptions,
  columns: readonly DbtColumn[],
): string {
  const { source: sourceName, database, schema, name } = options;
  const doc = openDocument(existing, path);
  const sources = listAt(doc, doc.contents as YAMLMap, "sources", path);
  let source = findNamed(sources, sourceName);
  if (source) {
    // dbt's defaults for a source without them: the target database, and a schema named as the source.
    const theirs = { database: textAt(source, "database"), schema: textAt(source, "schema") ?? sourceName };
    if (theirs.database !== database || theirs.schema !== schema) {
      throw new OutputError(
        `${path}: source "${sourceName}" already points at ${where(theirs.database, theirs.schema)}, not ${where(database, schema)}; export under another source name (source / --source) or make them agree`,
      );
    }
  } else {
    source = createNode(doc, { name: sourceName, database, schema, tables: [] }) as YAMLMap;
    sources.items.push(source);
  }
  const tables = listAt(doc, source, "tables", path);
  upsertNamed(doc, tables, name, (previous) => {
    const kept = keptDescriptions(previous);
    return {
      name,
      description: tableDescription(name, options.description, kept),
      ...(options.tags.length > 0 ? { tags: options.tags } : {}),
      ...(Object.keys(options.meta).length > 0 ? { meta: options.meta } : {}),
      columns: columns.map((c) => columnEntry(c, kept, false)),
    };
  });
  return renderDocument(doc);
}

function where(database: unknown, schema: unknown): string {
  return `${database === undefined ? "(the target database)" : String(database)}.${String(schema)}`;
}
