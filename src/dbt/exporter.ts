// DbtExporter: records (or a client's pages, as they arrive) → seeds/<name>.csv, models/sources.yml
// and models/<name>.yml in a dbt project, typed from the schema unified over every record.
import { join, resolve } from "node:path";
import { ApikitError, ConfigError, OutputError } from "../errors.js";
import type { FetchOptions } from "../facade/index.js";
import type { RecordSource } from "../writers/index.js";
import { type DbtColumn, dbtColumns } from "./columns.js";
import { makeDirectories, readIfExists, StagedFiles } from "./files.js";
import { mergeModel } from "./model.js";
import {
  type DbtExporterOptions,
  type DbtExportOptions,
  type ResolvedExporterOptions,
  type ResolvedExportOptions,
  resolveExporterOptions,
  resolveExportOptions,
} from "./options.js";
import { type SeedResult, textCollector, writeSeed } from "./seed.js";
import { mergeSources } from "./sources.js";

export interface DbtFile {
  path: string;
  content: string;
}

export interface DbtExportResult {
  /** Absolute paths of the three files (written, or that would be written on a dry run). */
  seedPath: string;
  sourcesPath: string;
  modelPath: string;
  records: number;
  columns: DbtColumn[];
  dryRun: boolean;
  /** Dry run only: every file with the content it would have (the CSV is held in memory). */
  files?: DbtFile[];
}

/** Anything with the client's page loop, such as an Apikit. */
export interface PageSource {
  pages(path: string, options: FetchOptions): AsyncIterable<{ records: readonly unknown[] }>;
}

export interface DbtClientExportOptions extends DbtExportOptions {
  /** How to fetch the listing: params, headers, pagination, record steps. */
  fetch?: FetchOptions;
}

interface Paths {
  seedPath: string;
  sourcesPath: string;
  modelPath: string;
}

export class DbtExporter {
  readonly outputDir: string;
  readonly dryRun: boolean;
  readonly #options: ResolvedExporterOptions;

  constructor(options: DbtExporterOptions) {
    this.#options = resolveExporterOptions(options);
    this.outputDir = resolve(this.#options.outputDir);
    this.dryRun = this.#options.dryRun;
  }

  /** Exports records: an array or iterable, or an async iterable of pages or batches. */
  async export(records: RecordSource, options: DbtExportOptions): Promise<DbtExportResult> {
    return this.#run(records, resolveExportOptions(options)).catch(typedFsError);
  }

  /** Fetches `path` with the client's page loop and streams each page into the seed as it arrives. */
  async exportFromClient(
    client: PageSource,
    path: string,
    options: DbtClientExportOptions,
  ): Promise<DbtExportResult> {
    const { fetch = {}, ...rest } = options;
    const resolved = resolveExportOptions(rest);
    if (fetch.dryRun) {
      throw new ConfigError(
        "fetch.dryRun sends no request, so there would be nothing to export; use new DbtExporter({ dryRun: true }) to fetch but write nothing",
        [{ path: "fetch.dryRun", message: "not supported by the dbt export" }],
      );
    }
    return this.#run(client.pages(path, fetch), resolved).catch(typedFsError);
  }

  async #run(source: RecordSource, options: ResolvedExportOptions): Promise<DbtExportResult> {
    const models = join(this.outputDir, "models");
    const paths: Paths = {
      seedPath: join(this.outputDir, "seeds", `${options.name}.csv`),
      sourcesPath: join(models, "sources.yml"),
      modelPath: join(models, `${options.name}.yml`),
    };
    // Fail before fetching anything when an existing file cannot be merged (invalid YAML, a conflict).
    await this.#render(paths, options, []);
    if (this.dryRun) {
      const csv = textCollector();
      const seed = await writeSeed(source, csv.out, this.#options.sep);
      const { columns, model, sources } = await this.#finish(paths, options, seed);
      return {
        ...paths,
        records: seed.records,
        columns,
        dryRun: true,
        files: [
          { path: paths.seedPath, content: csv.text() },
          { path: paths.sourcesPath, content: sources },
          { path: paths.modelPath, content: model },
        ],
      };
    }
    const undoDirectories = await makeDirectories([join(this.outputDir, "seeds"), models]);
    const staged = new StagedFiles();
    let committed = false;
    try {
      const seed = await writeSeed(source, staged.stage(paths.seedPath), this.#options.sep);
      const { columns, model, sources } = await this.#finish(paths, options, seed);
      await staged.write(paths.modelPath, model);
      await staged.write(paths.sourcesPath, sources);
      await staged.commit();
      committed = true;
      return { ...paths, records: seed.records, columns, dryRun: false };
    } finally {
      await staged.discard();
      if (!committed) await undoDirectories();
    }
  }

  async #finish(paths: Paths, options: ResolvedExportOptions, seed: SeedResult) {
    if (seed.records === 0) {
      throw new OutputError(
        `Nothing to export as "${options.name}": the source had no records (a dbt seed needs at least one row to have columns)`,
      );
    }
    const columns = dbtColumns(seed.columns, seed.blank, this.#options.dataTypes);
    // Read again after the pull, so an edit made meanwhile is merged rather than lost.
    return { columns, ...(await this.#render(paths, options, columns)) };
  }

  async #render(paths: Paths, options: ResolvedExportOptions, columns: readonly DbtColumn[]) {
    const [model, sources] = await Promise.all([
      readIfExists(paths.modelPath),
      readIfExists(paths.sourcesPath),
    ]);
    return {
      model: mergeModel(model, paths.modelPath, options, columns),
      sources: mergeSources(sources, paths.sourcesPath, options, columns),
    };
  }
}

/** A file-system failure (EACCES, ENOTDIR, ENOSPC...) as an OutputError; other errors stay as they are. */
function typedFsError(error: unknown): never {
  if (error instanceof Error && !(error instanceof ApikitError) && "syscall" in error) {
    throw new OutputError(`dbt export failed: ${error.message}`, { cause: error });
  }
  throw error;
}
