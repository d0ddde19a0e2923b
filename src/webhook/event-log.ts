// The NDJSON file events are appended to as they arrive: each line is written and fsynced before the
// sender gets its 200, so a crash never loses an event that was acknowledged.
import { closeSync, existsSync, fsyncSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { OutputError } from "../errors.js";

export class EventLog {
  readonly path: string;
  #fd: number | undefined;

  constructor(path: string) {
    this.path = path;
    const created = !existsSync(path);
    try {
      // Payloads can be private: a new file is readable by its owner only.
      this.#fd = openSync(path, "a", 0o600);
    } catch (error) {
      throw new OutputError(`cannot open the webhook output file ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (created) syncDirectory(dirname(path));
  }

  /** Appends one line and flushes it to disk before returning. */
  append(record: unknown): void {
    if (this.#fd === undefined) throw new OutputError(`the webhook output file ${this.path} is closed`);
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`, "utf8");
    let written = 0;
    // writeSync may write less than asked; each pass writes at least one byte or throws.
    while (written < bytes.length) written += writeSync(this.#fd, bytes, written, bytes.length - written);
    fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    closeSync(fd);
  }
}

/** Makes a new file's directory entry durable too; some platforms cannot fsync a directory. */
function syncDirectory(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    fsyncSync(fd);
  } catch {
    // Not supported here (e.g. Windows): the file's own fsync is the best that can be done.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
