// Before a scenario can run: a Docker engine that answers (started, or installed and started, when
// missing) and the Circus images its hosts use, built when missing or out of date. Progress goes live.
import { buildImages, type EngineProgressEvent, ensureEngine } from "@circus/sandbox";
import type { Scenario } from "@circus/scenario";
import type { LiveStatus } from "./live-status";

/** @circus/sandbox does not name the type of its build events; this is the listener's argument. */
type ImageBuildEvent = Parameters<NonNullable<Parameters<typeof buildImages>[0]["onProgress"]>>[0];

export async function prepareSandbox(scenario: Scenario, live: LiveStatus, signal: AbortSignal): Promise<void> {
  const started = Date.now();
  const { docker } = await ensureEngine({ onProgress: (event) => showEngineEvent(event, live), signal });
  const images = [...new Set(scenario.hosts.map((host) => host.image))];
  for (const image of images) {
    await buildImages({
      docker,
      only: image,
      onProgress: (event) => showImageEvent(event, live),
      signal,
    });
  }
  live.line(`✓ sandbox ready: ${images.join(", ")} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function showEngineEvent(event: EngineProgressEvent, live: LiveStatus): void {
  if (event.type === "ready") live.line(`✓ Docker engine at ${event.endpoint} (${event.how.replaceAll("-", " ")})`);
  else if (event.type === "step") live.line(`» ${event.message}`);
  else live.status(`  ${event.source}: ${event.line}`);
}

function showImageEvent(event: ImageBuildEvent, live: LiveStatus): void {
  switch (event.type) {
    case "build-started":
      live.line(`» building image ${event.image} (${event.reason}); this takes a minute or two the first time`);
      break;
    case "step":
      live.line(`  [${event.image}] ${event.message}`);
      break;
    case "output":
      live.status(`  [${event.image}] ${event.line}`);
      break;
    case "built":
      live.line(`✓ built ${event.image} in ${(event.durationMs / 1000).toFixed(1)} s`);
      break;
    case "host":
      if (event.event.type === "step") live.line(`» ${event.event.message}`);
      else live.status(`  ${event.event.source}: ${event.event.line}`);
      break;
    case "plan":
    case "cached":
    case "superseded":
      break;
  }
}
