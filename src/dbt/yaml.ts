// YAML for dbt. dbt reads YAML 1.1 (PyYAML), where yes/no/on/off, 10:30 and 0755 are not strings, so
// documents are parsed and written with the 1.1 schema and such strings come out quoted. Existing files
// are edited as documents: comments and entries apikit does not own are kept as they were.
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  type Node,
  parseDocument,
  visit,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { OutputError } from "../errors.js";

const VERSION = "1.1" as const;
const STR_TAG = "tag:yaml.org,2002:str";
// NEL, LS and PS are line breaks to YAML 1.1 readers, and the yaml package writes them raw: strings
// holding one are double-quoted (see createNode) and the characters written as escapes.
const LINE_BREAKS_1_1 = /[\u0085\u2028\u2029]/;
const LINE_BREAKS_1_1_ALL = new RegExp(LINE_BREAKS_1_1.source, "g");
const ESCAPES: Record<string, string> = { "\u0085": "\\N", "\u2028": "\\L", "\u2029": "\\P" };

/** A document from a file's text (a new one when the file is absent or empty); its root is a map. */
export function openDocument(text: string | undefined, path: string): Document {
  if (text === undefined || text.trim() === "") {
    const doc = new Document(undefined, { version: VERSION });
    doc.contents = createNode(doc, { version: 2 }) as YAMLMap;
    return doc;
  }
  const doc: Document = parseDocument(text, { version: VERSION, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    throw new OutputError(`${path} is not valid YAML (${error.message}); fix it or move it away`, {
      cause: error,
    });
  }
  if (doc.contents === null) doc.contents = createNode(doc, { version: 2 }) as YAMLMap;
  if (!isMap(doc.contents))
    throw new OutputError(`${path} must hold a YAML mapping (version:, sources:, ...)`);
  return doc;
}

/** The list under `key` of a map in `doc`, created empty when missing. */
export function listAt(doc: Document, map: YAMLMap, key: string, path: string): YAMLSeq {
  const found = map.get(key, true);
  if (found === undefined || (isScalar(found) && found.value === null)) {
    const seq = createNode(doc, []) as YAMLSeq;
    map.set(key, seq);
    return seq;
  }
  if (!isSeq(found)) throw new OutputError(`${path}: "${key}" must be a list`);
  return found;
}

/**
 * A scalar of `map` as dbt (PyYAML) reads it. The yaml package's 1.1 schema also reads plain y/n as
 * booleans, PyYAML does not: a hand-written `name: y` is the text it was written as.
 */
export function textAt(map: YAMLMap, key: string): unknown {
  const node = map.get(key, true);
  if (!isScalar(node)) return node;
  return typeof node.value === "boolean" && node.source !== undefined && /^[yn]$/i.test(node.source)
    ? node.source
    : node.value;
}

/** The map in `list` whose `name` is exactly `name` (never a prefix match), or undefined. */
export function findNamed(list: YAMLSeq, name: string): YAMLMap | undefined {
  return list.items.find((item): item is YAMLMap => isMap(item) && textAt(item, "name") === name);
}

/**
 * A node for plain data, without anchors. PyYAML's safe loader resolves a plain `=` (the 1.1 "value"
 * tag) and `<<` (merge) to types it cannot build, so those strings are quoted (the yaml package
 * writes "<<" as a merge key unless it is tagged as a string). Only new nodes are touched: a merge
 * key a person wrote stays one.
 */
export function createNode(doc: Document, value: unknown): Node {
  const node = doc.createNode(value, { aliasDuplicateObjects: false });
  visit(node, {
    Scalar(_key, scalar) {
      if (scalar.value === "=" || scalar.value === "<<") scalar.type = "QUOTE_DOUBLE";
      if (typeof scalar.value === "string" && LINE_BREAKS_1_1.test(scalar.value))
        scalar.type = "QUOTE_DOUBLE";
      if (scalar.value === "<<") scalar.tag = STR_TAG;
    },
  });
  return node;
}

/**
 * Puts the entry for `name` in `list`: replaces the one already there, in place, or appends.
 * `build` gets the previous entry as plain data (to keep what a person wrote in it).
 */
export function upsertNamed(
  doc: Document,
  list: YAMLSeq,
  name: string,
  build: (previous: unknown) => Record<string, unknown>,
): void {
  const previous = findNamed(list, name);
  const node = createNode(doc, build(previous?.toJSON()));
  if (previous) list.items[list.items.indexOf(previous)] = node;
  else list.items.push(node);
}

export function renderDocument(doc: Document): string {
  return doc.toString({ lineWidth: 0 }).replace(LINE_BREAKS_1_1_ALL, (c) => ESCAPES[c]!);
}
