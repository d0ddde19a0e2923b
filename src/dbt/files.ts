// Atomic output: every file is written beside its target and renamed into place only once all of
// them are complete, so a failed pull or a bad sources.yml leaves the project as it was.
import { mkdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { siblingPath } from "../writers/index.js";

export class StagedFiles {
  #staged: Array<{ temp: string; target: string }> = [];

  /** A temporary path beside `target`, renamed onto it by commit(). */
  stage(target: string): string {
    const temp = siblingPath(target, "tmp");
    this.#staged.push({ temp, target });
    return temp;
  }

  async write(target: string, content: string): Promise<void> {
    await writeFile(this.stage(target), content, "utf8");
  }

  async commit(): Promise<void> {
    while (this.#staged.length > 0) {
      const { temp, target } = this.#staged[0]!;
      await rename(temp, target);
      this.#staged.shift();
    }
  }

  /** Removes whatever was staged and not committed. */
  async discard(): Promise<void> {
    const staged = this.#staged;
    this.#staged = [];
    await Promise.all(staged.map(({ temp }) => rm(temp, { force: true })));
  }
}

/** A file's text, or undefined when there is no such file. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Creates the directories that are missing; returns an undo that removes those it created, deepest
 * first, as long as they are empty (rmdir never removes anything else).
 */
export async function makeDirectories(dirs: readonly string[]): Promise<() => Promise<void>> {
  const created: string[] = [];
  for (const dir of dirs) {
    const first = await mkdir(dir, { recursive: true });
    if (first === undefined) continue;
    for (let d = dir; !created.includes(d); d = dirname(d)) {
      created.push(d);
      if (d === first || dirname(d) === d) break;
    }
  }
  created.sort((a, b) => b.length - a.length);
  return async () => {
    for (const dir of created) await rmdir(dir).catch(() => undefined);
  };
}
