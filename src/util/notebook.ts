// Notebook kernels, where stderr is not a terminal but a person reads it under the cell: Jupyter's
// launcher sets JPY_PARENT_PID for every kernel it starts (Deno's, tslab's), and Deno's own kernel is
// also told by its `Deno.jupyter` namespace (which throws outside `deno jupyter`), for front ends
// that start the kernel themselves. Deno's kernel drops what is written to process.stderr (and
// Deno.stderr: denoland/deno#20555) and shows only console output under the cell, so apikit's lines
// for people go through writeStderr().

/** Whether this is Deno's Jupyter kernel (`deno jupyter`). */
export function inDenoKernel(): boolean {
  const deno = (globalThis as { Deno?: { jupyter?: unknown } }).Deno;
  if (deno === undefined) return false;
  try {
    return typeof deno.jupyter === "object" && deno.jupyter !== null;
  } catch {
    return false;
  }
}

/** Whether a person reads stderr under a notebook cell. Asked per pull: cheap, and never throws. */
export function inNotebook(): boolean {
  try {
    if (process.env.JPY_PARENT_PID) return true;
  } catch {
    // Deno without --allow-env: no environment to read.
  }
  return inDenoKernel();
}

/**
 * Writes text for people to stderr: process.stderr, or in Deno's kernel console.error (one call per
 * text, its last newline left to console.error), which the kernel shows under the cell.
 */
export function writeStderr(text: string): void {
  if (inDenoKernel()) console.error(text.endsWith("\n") ? text.slice(0, -1) : text);
  else process.stderr.write(text);
}

/** writeStderr as a stream's write, for code that takes a stream. */
export const stderrForPeople: { write(text: string): boolean } = {
  write(text: string): boolean {
    writeStderr(text);
    return true;
  },
};
