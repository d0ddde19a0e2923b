// Imported first by the CLI: on a Node.js older than package.json's engines it prints one line saying
// which Node is needed and exits 1, before undici (imported next) crashes on that Node with a TypeError.
import { createRequire } from "node:module";

// The same check the install and `npm test` run; CommonJS so that old Node can run it.
const check = createRequire(import.meta.url)("../../scripts/check-node.cjs") as { exitIfTooOld(): void };
check.exitIfTooOld();
