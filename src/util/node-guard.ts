// Imported first by the library's entry point: on a Node.js older than package.json's engines it throws
// one clear error (which Node is needed, how to get it) before undici, evaluated next, fails on that
// Node with a TypeError from its internals. The CLI has its own guard, which exits instead.
import { createRequire } from "node:module";

const check = createRequire(import.meta.url)("../../scripts/check-node.cjs") as {
  nodeProblem(version: string): string | null;
};
const problem = check.nodeProblem(process.version);
if (problem) throw new Error(problem);
