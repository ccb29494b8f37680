#!/usr/bin/env node
// The first thing `npm start` and `npm test` run, on a machine that may have nothing but Node and npm:
// it installs the workspace's dependencies when they are missing or stale, then hands over to the
// TypeScript orchestrator (scripts/start.ts or scripts/test.ts). Plain Node, no dependencies.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const [task, ...rest] = process.argv.slice(2);
const tasks = { start: "scripts/start.ts", test: "scripts/test.ts" };

if (!(task in tasks)) {
  console.error(`usage: node scripts/bootstrap.mjs ${Object.keys(tasks).join("|")} [args...]`);
  process.exit(2);
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 9)) {
  console.error(`Circus needs Node.js 20.9 or newer; this is ${process.version}. Install a newer Node.js and retry.`);
  process.exit(1);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: process.env });
  if (result.error) {
    console.error(`could not run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  return result.status ?? 1;
}

function dependenciesAreCurrent() {
  const installed = join(root, "node_modules", ".package-lock.json");
  const lock = join(root, "package-lock.json");
  if (!existsSync(installed) || !existsSync(join(root, "node_modules", ".bin", "tsx"))) return false;
  const manifests = ["package.json", "package-lock.json"].map((file) => statSync(join(root, file)).mtimeMs);
  return existsSync(lock) && statSync(installed).mtimeMs >= Math.max(...manifests);
}

if (!dependenciesAreCurrent()) {
  console.log("» installing dependencies (npm ci; native modules compile, this takes a minute or two)");
  // --strict-allow-scripts: an install script nobody reviewed in package.json's allowScripts is an error.
  const status = run("npm", ["ci", "--strict-allow-scripts", "--no-audit", "--no-fund"]);
  if (status !== 0) {
    console.error("npm ci failed: read the error above. If it names an install script, review it and approve");
    console.error("or deny it with `npm install-scripts approve|deny <package>` at the repo root.");
    process.exit(status);
  }
}

process.exit(run(process.execPath, ["--import", "tsx", tasks[task], ...rest]));
