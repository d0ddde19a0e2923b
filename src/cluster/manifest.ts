// The dataset's manifest: written once every partition is done, so its presence means the directory
// holds the whole pull (each partition's file, records and sha256; the totals; the spec's hash).
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { toJson } from "../flatten/index.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import type { PartitionDone, PullRecord } from "./store.js";

export const MANIFEST_FILE = "_manifest.json";

export interface Manifest {
  apikit: "cluster-manifest";
  version: 1;
  pull: string;
  name: string;
  specHash: string;
  format: string;
  partitionColumn: "partition";
  partitions: Array<
    Pick<PartitionDone, "key" | "records" | "pages" | "bytes" | "file" | "sha256" | "truncated">
  >;
  totals: { partitions: number; records: number; bytes: number; pages: number };
  createdAt: string;
  completedAt: string;
}

export function buildManifest(pull: PullRecord, done: PartitionDone[], completedAt: string): Manifest {
  const partitions = [...done]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ key, records, pages, bytes, file, sha256, truncated }) => ({
      key,
      records,
      pages,
      bytes,
      file,
      sha256,
      truncated,
    }));
  const sum = (field: "records" | "bytes" | "pages") => partitions.reduce((n, p) => n + p[field], 0);
  return {
    apikit: "cluster-manifest",
    version: 1,
    pull: pull.id,
    name: pull.spec.name,
    specHash: pull.specHash,
    format: pull.spec.output.format,
    partitionColumn: "partition",
    partitions,
    totals: {
      partitions: partitions.length,
      records: sum("records"),
      bytes: sum("bytes"),
      pages: sum("pages"),
    },
    createdAt: pull.createdAt,
    completedAt,
  };
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<string> {
  const path = join(dir, MANIFEST_FILE);
  await writeFileAtomic(path, `${toJson(manifest, 2)}\n`);
  return path;
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}
