// `npx tsx scripts/ensure-engine.ts [--no-install]`: makes sure a Docker engine answers, starting
// dockerd (and installing docker.io first) as root when needed. Exit code 1 with the remedy otherwise.
import { parseArgs } from "node:util";
import { type EngineProgressEvent, ensureEngine } from "../sandbox/src/engine/ensure-engine";
import { SandboxError } from "../sandbox/src/errors";

const { values } = parseArgs({ options: { "no-install": { type: "boolean", default: false } } });

function print(event: EngineProgressEvent): void {
  if (event.type === "step") console.log(`» ${event.message}`);
  else if (event.type === "output") console.log(`  ${event.source}: ${event.line}`);
  else console.log(`» Docker engine ready at ${event.endpoint} (${event.how.replaceAll("-", " ")})`);
}

const controller = new AbortController();
process.once("SIGINT", () => controller.abort(new Error("interrupted")));
try {
  await ensureEngine({ allowInstall: !values["no-install"], onProgress: print, signal: controller.signal });
} catch (error) {
  console.error(error instanceof SandboxError ? `✗ ${error.message}` : error);
  process.exit(1);
}
