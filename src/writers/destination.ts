// Destinations: a path (opened here, closed here) or a caller's Writable (written, not ended). Binary
// formats that need a real file (Parquet via DuckDB, DuckDB itself) write to a temp file first and
// stream it into a Writable destination.
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { abandon, endStream } from "./batches.js";

/** Stream buffer for output files: big enough that a page is written while the next one is fetched. */
export const WRITE_BUFFER = 4 * 1024 * 1024;

export function siblingPath(target: string, tag: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.${tag}`,
  );
}

/** A fresh scratch file name in the OS temp dir, ending in `.<tag>`. */
export function tempPath(tag: string): string {
  return join(tmpdir(), `apikit-${process.pid}-${randomBytes(6).toString("hex")}.${tag}`);
}

/** A scratch path near the destination (same disk for a path; the OS temp dir for a stream). */
export function scratchPath(destination: string | Writable, tag: string): string {
  return typeof destination === "string" ? siblingPath(destination, tag) : tempPath(tag);
}

export function openDestination(destination: string | Writable): { out: Writable; owned: boolean } {
  return typeof destination === "string"
    ? { out: createWriteStream(destination, { highWaterMark: WRITE_BUFFER }), owned: true }
    : { out: destination, owned: false };
}

/** Runs `write` against a real file path; for a Writable destination, streams that file into it. */
export async function viaFile(
  destination: string | Writable,
  tag: string,
  write: (path: string) => Promise<void>,
): Promise<number> {
  if (typeof destination === "string") {
    await write(destination);
    return (await stat(destination)).size;
  }
  const temp = scratchPath(destination, tag);
  try {
    await write(temp);
    const size = (await stat(temp)).size;
    await pipeline(createReadStream(temp), destination, { end: false });
    return size;
  } finally {
    await rm(temp, { force: true });
  }
}

export function bytesWritten(out: Writable): number {
  return (out as Writable & { bytesWritten?: number }).bytesWritten ?? 0;
}

/**
 * Opens the destination, lets `body` write to it, and ends it (a path) or leaves it open (a caller's
 * Writable). On failure a file this opened is abandoned so the caller can remove it.
 */
export async function writeThrough<T>(
  destination: string | Writable,
  body: (out: Writable) => Promise<T>,
): Promise<T> {
  const { out, owned } = openDestination(destination);
  try {
    const result = await body(out);
    await endStream(out, owned);
    return result;
  } catch (error) {
    if (owned) await abandon(out);
    throw error;
  }
}
