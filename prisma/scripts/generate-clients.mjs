#!/usr/bin/env node
// The workspace's postinstall: generates the Prisma clients of both schemas (into generated/, which
// git ignores) so a fresh clone works after `npm ci` with no manual step. Offline and ~2 s: the
// generator is the `prisma-client` one with the JavaScript engine, so nothing is downloaded.
// Plain Node, because it runs while dependencies are being installed.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const workspaceDir = dirname(dirname(fileURLToPath(import.meta.url)));
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const configs = ["prisma.config.ts", join("postgresql", "prisma.config.ts")];

function generate(config) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [prismaCli, "generate", "--config", config], {
      cwd: workspaceDir,
      // No update check or telemetry: the registry is the only host this may reach.
      // biome-ignore lint/style/noProcessEnv: an install script, it cannot import the workspace's config.ts
      env: { ...process.env, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", (error) => resolve({ config, ok: false, output: error.message }));
    child.on("close", (code) => resolve({ config, ok: code === 0, output }));
  });
}

const results = await Promise.all(configs.map(generate));
for (const { config, ok, output } of results) {
  if (ok) {
    process.stdout.write(`@circus/db: generated the Prisma client of ${config}\n`);
  } else {
    process.stderr.write(`@circus/db: prisma generate --config ${config} failed:\n${output}\n`);
  }
}
process.exit(results.every((result) => result.ok) ? 0 : 1);
