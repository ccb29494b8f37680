// Test fixtures for Docker inside a sandbox: the Circus registry seeded with the stand-ins the tests
// pull (a no-op push when `npm run images` already did it), and a Docker-enabled host spec.
import type Dockerode from "dockerode";
import { seedRegistry } from "../src/docker-inside/seed-registry";
import type { EnvironmentSpecInput } from "../src/environments/environment";

export const DOCKER_IMAGE = "circus/docker:latest";

/** Makes sure the registry holds `names` (stand-ins built by `npm run images`). */
export async function seedStandIns(docker: Dockerode, names: readonly string[]): Promise<void> {
  await seedRegistry(
    docker,
    names.map((name) => ({ image: `circus/standin-${name}:latest`, repository: `library/${name}` })),
  );
}

/** A Docker-enabled host with room for a few small images. */
export function dockerHost(name: string, memoryMiB = 1024): EnvironmentSpecInput["hosts"][number] {
  return { name, image: DOCKER_IMAGE, docker: true, memoryMiB };
}
