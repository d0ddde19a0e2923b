// Stops an install, `npm test` or the CLI on a Node.js older than package.json's engines.node, with one
// line that says which Node is needed and how to get it. Plain CommonJS with nothing Node 16 cannot
// parse: it has to run on the old Node it is there to turn away.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));

/** [major, minor, patch] of "v22.19.0", "22.19" or "24"; null when it is none of those. */
function parseVersion(text) {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(String(text).trim());
  return m ? [Number(m[1]), Number(m[2] || 0), Number(m[3] || 0)] : null;
}

/** The lowest version engines.node allows. Only ">=X.Y[.Z]" is understood, so a new form fails loudly. */
function minimumVersion(range) {
  const m = /^>=\s*(\S+)$/.exec(String(range).trim());
  const version = m && parseVersion(m[1]);
  if (!version) throw new Error(`scripts/check-node.cjs understands engines.node ">=X.Y", not "${range}"`);
  return version;
}

function older(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** One line saying what to do when `version` (e.g. process.version) is too old; null when it will do. */
function nodeProblem(version) {
  const range = pkg.engines.node;
  const minimum = minimumVersion(range);
  const actual = parseVersion(version);
  if (actual && !older(actual, minimum)) return null;
  return (
    `${pkg.name} needs Node.js ${range} but this is ${version} (${process.execPath}): get Node 24 with a ` +
    "version manager (`nvm install 24`, `fnm install 24`) or with `npm install --prefix ~/.local/node24 " +
    "node@24` and ~/.local/node24/node_modules/.bin first on PATH"
  );
}

/** Writes the line and ends the process (exit 1) when this Node is too old. */
function exitIfTooOld() {
  const problem = nodeProblem(process.version);
  if (!problem) return;
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}

module.exports = { nodeProblem, parseVersion, minimumVersion, exitIfTooOld };

if (require.main === module) exitIfTooOld();
