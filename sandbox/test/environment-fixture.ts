// Test fixtures for the environment tests: every resource a test makes carries `circus.test=<id>`
// so each test removes (and counts) only its own containers and networks.
import { randomBytes } from "node:crypto";
import Dockerode from "dockerode";
import { pino } from "pino";
import type { EnvironmentSpecInput } from "../src/environments/environment";
import { removeNetwork } from "../src/environments/remove-environment";
import {
  createSandboxRuntime,
  type SandboxRuntime,
  type SandboxRuntimeOptions,
} from "../src/environments/sandbox-runtime";

export const BASE_IMAGE = "circus/base:latest";
export const TEST_LABEL = "circus.test";
export const quietLogger = pino({ level: "silent" });

export interface TestScope {
  id: string;
  docker: Dockerode;
  labels: Record<string, string>;
  /** A runtime scoped to this test (its reconcile touches nothing else); disposed by cleanup(). */
  runtime(options?: SandboxRuntimeOptions): Promise<SandboxRuntime>;
  /** A spec of `names` hosts on the base image with short lifetimes. */
  spec(names?: string[], overrides?: Partial<EnvironmentSpecInput>): EnvironmentSpecInput;
  /** Containers and networks carrying this test's label. */
  count(): Promise<{ containers: number; networks: number }>;
  /** Disposes runtimes and removes everything with this test's label. */
  cleanup(): Promise<void>;
}

export function createTestScope(): TestScope {
  const id = randomBytes(6).toString("hex");
  const docker = new Dockerode();
  const labels = { [TEST_LABEL]: id };
  const runtimes: SandboxRuntime[] = [];
  const filters = { label: [`${TEST_LABEL}=${id}`] };
  return {
    id,
    docker,
    labels,
    async runtime(options = {}) {
      const runtime = await createSandboxRuntime({ docker, logger: quietLogger, labels, ...options });
      runtimes.push(runtime);
      return runtime;
    },
    spec(names = ["node1"], overrides = {}) {
      return {
        hosts: names.map((name) => ({ name, image: BASE_IMAGE })),
        ttlSeconds: 600,
        idleTimeoutSeconds: 600,
        ...overrides,
      };
    },
    async count() {
      const [containers, networks] = await Promise.all([
        docker.listContainers({ all: true, filters }),
        docker.listNetworks({ filters }),
      ]);
      return { containers: containers.length, networks: networks.length };
    },
    async cleanup() {
      await Promise.all(runtimes.map((runtime) => runtime.dispose()));
      const containers = await docker.listContainers({ all: true, filters });
      await Promise.all(containers.map((container) => docker.getContainer(container.Id).remove({ force: true })));
      const networks = await docker.listNetworks({ filters });
      // removeNetwork first takes the shared registry off a Docker-enabled environment's network
      await Promise.all(networks.map((network) => removeNetwork(docker, network.Id)));
      // Checkpoint images (src/checkpoints) carry the label too; later ones first (they are children).
      for (let pass = 0; pass < 3; pass += 1) {
        const images = await docker.listImages({ filters });
        for (const image of images.sort((a, b) => b.Created - a.Created)) {
          await docker
            .getImage(image.Id)
            .remove({ force: true })
            .catch(() => undefined);
        }
      }
    },
  };
}
