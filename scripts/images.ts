// `npx tsx scripts/images.ts [--only NAME] [--force] [--json] [--status] [--push REGISTRY]`: builds the
// sandbox images of docker/images.json, skipping those whose content hash is unchanged. --json prints
// the result as JSON on stdout (progress goes to stderr); --status only reports what is on the engine;
// --push then publishes the learner-host images (circus/base and those built on it) to REGISTRY.
// `--only web` builds the web app's image instead (scripts/web-image.ts; not a sandbox image, so not
// built by default).
import { parseArgs } from "node:util";
import { REGISTRY_IMAGE } from "../sandbox/src/docker-inside/registry";
import { registryStandIns, seedRegistry } from "../sandbox/src/docker-inside/seed-registry";
import { ensureEngine } from "../sandbox/src/engine/ensure-engine";
import { SandboxError } from "../sandbox/src/errors";
import type { ImageBuildEvent } from "../sandbox/src/images/build-events";
import { buildImages } from "../sandbox/src/images/build-images";
import { imageStatus } from "../sandbox/src/images/image-status";
import { loadImagesManifest } from "../sandbox/src/images/images-manifest";
import { parseRegistry, pushImages, sandboxImages } from "../sandbox/src/images/push-images";
import { buildWebImage, WEB_IMAGE, WebImageError } from "./web-image";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    force: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    status: { type: "boolean", default: false },
    push: { type: "string" },
  },
});
const say = values.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
const short = (hash: string) => hash.replace(/^sha256:/, "").slice(0, 12);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function print(event: ImageBuildEvent): void {
  switch (event.type) {
    case "plan":
      for (const image of event.images) {
        say(`» ${image.name}: ${image.action === "cached" ? "up to date" : `to build (${image.reason})`}`);
      }
      break;
    case "cached":
      say(`✓ ${event.image} is cached (content hash ${short(event.contentHash)}), not rebuilt`);
      break;
    case "build-started":
      say(`» building ${event.image} (${event.reason}, content hash ${short(event.contentHash)})`);
      break;
    case "step":
      say(`[${event.image}] ${event.message}`);
      break;
    case "output":
      say(`[${event.image}]   ${event.line}`);
      break;
    case "built":
      say(`✓ built ${event.image} in ${seconds(event.durationMs)} (${short(event.imageId)})`);
      break;
    case "superseded":
      say(
        event.removed
          ? `» removed the previous ${event.image} (${short(event.imageId)})`
          : `» kept the previous ${event.image} (${short(event.imageId)}): ${event.detail}`,
      );
      break;
    case "host":
      say(event.event.type === "step" ? `» ${event.event.message}` : `  ${event.event.source}: ${event.event.line}`);
      break;
  }
}

const controller = new AbortController();
const pushTo = values.push === undefined ? undefined : parseRegistryOrExit(values.push);
process.once("SIGINT", () => controller.abort(new Error("interrupted")));
try {
  const { docker } = await ensureEngine({ signal: controller.signal });
  if (values.status) {
    const statuses = await imageStatus(docker);
    if (values.json) console.log(JSON.stringify(statuses, null, 2));
    for (const status of statuses) {
      const state = !status.present ? "missing" : status.upToDate ? "up to date" : "out of date";
      say(`${status.name}: ${state}${status.imageId ? ` (${short(status.imageId)})` : ""}`);
    }
  } else if (values.only !== undefined && ["web", "circus/web", WEB_IMAGE].includes(values.only)) {
    const result = await buildWebImage(docker, { force: values.force, log: say, signal: controller.signal });
    if (values.json) console.log(JSON.stringify(result, null, 2));
  } else {
    const results = await buildImages({
      docker,
      only: values.only,
      force: values.force,
      onProgress: print,
      signal: controller.signal,
    });
    if (values.json) console.log(JSON.stringify(results, null, 2));
    if (results.every((result) => result.action === "cached")) {
      say(`✓ nothing to build: all ${results.length} images are up to date`);
    }
    // The Circus registry gets the stand-ins that were just built or checked (pushing what it has costs little).
    const present = new Set(results.map((result) => result.name));
    const standIns = registryStandIns((await loadImagesManifest()).images).filter((standIn) =>
      present.has(standIn.image),
    );
    if (present.has(REGISTRY_IMAGE) && standIns.length > 0) {
      await seedRegistry(docker, standIns, { onProgress: say, signal: controller.signal });
    }
    if (pushTo !== undefined) {
      const learnerImages = sandboxImages((await loadImagesManifest()).images).filter((image) => present.has(image));
      await pushImages(docker, pushTo, learnerImages, { onProgress: say, signal: controller.signal });
    }
  }
} catch (error) {
  console.error(error instanceof SandboxError || error instanceof WebImageError ? `✗ ${error.message}` : error);
  process.exit(1);
}

function parseRegistryOrExit(registry: string): string {
  try {
    return parseRegistry(registry);
  } catch (error) {
    console.error(`✗ --push: ${error instanceof SandboxError ? error.message : String(error)}`);
    process.exit(2);
  }
}
