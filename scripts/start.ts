// `npm start`: makes sure a Docker engine runs (installing it as root when missing), builds the
// sandbox images (cached by content hash), builds the web app and serves Circus on one port.
import { join } from "node:path";
import { repoRoot, runCommand, step } from "./steps";

const quietTools = { TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1", NEXT_TELEMETRY_DISABLED: "1" };

async function must(name: string, body: () => Promise<number>): Promise<void> {
  const result = await step(name, body);
  if (!result.ok) {
    console.error(`\nnpm start stopped at "${name}": the output above says why and what to do.`);
    process.exit(1);
  }
}

await must("Docker engine", () => runCommand("npx", ["tsx", "scripts/ensure-engine.ts"]));
await must("sandbox images", () => runCommand("npx", ["tsx", "scripts/images.ts"]));
await must("web app build", () =>
  runCommand("npx", ["turbo", "run", "build", "--filter=@circus/web", "--output-logs=errors-only"], {
    env: quietTools,
  }),
);
console.log("\n» serving Circus at http://localhost:3000 (Ctrl-C stops it)");
process.exit(
  await runCommand(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: join(repoRoot, "apps", "web"),
    env: { ...quietTools, NODE_ENV: "production" },
  }),
);
