// writeFileAtomic, the one whole-file write behind the config file, the checkpoint and the incremental
// state: the target is replaced whole or not at all, no temp file is left, and none is written through.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { writeFileAtomic } from "../../src/util/atomic-write.js";

// The temp name's random part, pinned by a test to plant a file where the write will look.
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return { ...actual, randomBytes: vi.fn(actual.randomBytes) };
});

const posix = process.platform !== "win32";

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "apikit-atomic-"));
}

describe("writeFileAtomic", () => {
  it("writes a new file and replaces an old one, mode 0600 by default, leaving only the target", async () => {
    const dir = await tempDir();
    const path = join(dir, "state.json");
    await writeFileAtomic(path, "one\n");
    expect(await readFile(path, "utf8")).toBe("one\n");
    await writeFileAtomic(path, new TextEncoder().encode("two\n"));
    expect(await readFile(path, "utf8")).toBe("two\n");
    expect(await readdir(dir)).toEqual(["state.json"]);
    if (posix) expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it.skipIf(!posix)("gives the file exactly the mode asked for, whatever the umask", async () => {
    const dir = await tempDir();
    const path = join(dir, "shared.txt");
    const umask = process.umask(0o077);
    try {
      await writeFileAtomic(path, "x", { mode: 0o640 });
    } finally {
      process.umask(umask);
    }
    expect((await stat(path)).mode & 0o777).toBe(0o640);
  });

  it("on a failed rename leaves the target as it was and removes its temp file", async () => {
    const dir = await tempDir();
    // A non-empty directory where the file should go: everything works up to the rename.
    const path = join(dir, "taken");
    await mkdir(path);
    await writeFile(join(path, "inside"), "kept");
    await expect(writeFileAtomic(path, "new")).rejects.toThrow();
    expect(await readdir(dir)).toEqual(["taken"]);
    expect(await readFile(join(path, "inside"), "utf8")).toBe("kept");
  });

  it("never writes through a file or symlink already at its temp name, nor removes it", async () => {
    const dir = await tempDir();
    const path = join(dir, "config.toml");
    const victim = join(dir, "victim");
    await writeFile(path, "old");
    await writeFile(victim, "untouched");
    const fixed = Buffer.alloc(6);
    vi.mocked(randomBytes as (size: number) => Buffer).mockReturnValueOnce(fixed);
    const planted = join(dir, `.config.toml.${process.pid}.${fixed.toString("hex")}.tmp`);
    await symlink(victim, planted);
    await expect(writeFileAtomic(path, "new")).rejects.toMatchObject({ code: "EEXIST" });
    expect(await readFile(victim, "utf8")).toBe("untouched");
    expect(await readFile(path, "utf8")).toBe("old");
    expect((await readdir(dir)).sort()).toEqual([
      `.config.toml.${process.pid}.000000000000.tmp`,
      "config.toml",
      "victim",
    ]);
  });
});
