// Whether this process runs a notebook kernel, where stderr is not a terminal but a person reads it
// under the cell: Jupyter's launcher sets JPY_PARENT_PID for every kernel it starts (Deno's, tslab's),
// and Deno's own kernel is also told by its `Deno.jupyter` namespace (which throws outside
// `deno jupyter`), for front ends that start the kernel themselves.

/** Whether a person reads stderr under a notebook cell. Asked per pull: cheap, and never throws. */
export function inNotebook(): boolean {
  try {
    if (process.env.JPY_PARENT_PID) return true;
  } catch {
    // Deno without --allow-env: no environment to read.
  }
  const deno = (globalThis as { Deno?: { jupyter?: unknown } }).Deno;
  if (deno === undefined) return false;
  try {
    return typeof deno.jupyter === "object" && deno.jupyter !== null;
  } catch {
    return false;
  }
}
