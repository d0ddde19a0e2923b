// Whole-file writes that a crash or a concurrent reader never sees half done: the config file, the
// checkpoint and the incremental state all go through this one function.
import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface AtomicWriteOptions {
  /** Permission bits of the file, exactly (a umask cannot change them). Default 0o600: private. */
  mode?: number;
}

/**
 * Writes `data` to `path` through a temp file beside it: created exclusively ("wx", so an existing
 * file or symlink at that name is never written through), written, fsynced, closed and renamed over
 * `path`. Readers see the old file or the new one; on failure the temp file is removed and `path` is
 * as it was. The directory is fsynced too where the platform can, so the rename survives a power cut.
 * The directory must exist; errors are the file system's own, for the caller to word.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dir = dirname(path);
  // Random, not only the pid: two writers in one process (or a reused pid) never share a temp file.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  // Set once the temp file is ours: a failed "wx" open must not remove a file someone else made.
  let created = false;
  try {
    {
      await using handle = await open(temp, "wx", mode);
      created = true;
      // The mode given to open() is narrowed by the umask; the caller asked for these bits exactly.
      if (process.platform !== "win32") await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    }
    await rename(temp, path);
    created = false;
  } catch (error) {
    if (created) await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * Best effort: the file is already in place, so a directory that cannot be fsynced (Windows, some
 * network and FUSE file systems) costs only the durability of the rename, not the write.
 */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === "win32") return;
  try {
    await using handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Nothing to undo; see above.
  }
}
