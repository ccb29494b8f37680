// Seeding the Circus registry (`npm run images`): a short-lived writable instance on the same
// volume, published on the engine machine's loopback only, receives each stand-in image pushed by
// the engine; then it is removed. The serving instance never accepts a push.
import { get } from "node:http";
import type Dockerode from "dockerode";
import { callEngine, engineMessageOf } from "../environments/engine-failures";
import { RegistrySeedFailedError } from "../errors";
import { readEngineMessages } from "../images/engine-messages";
import type { ManifestImage } from "../images/images-manifest";
import { REGISTRY_DATA_DIR, REGISTRY_IMAGE, REGISTRY_LABEL, REGISTRY_VOLUME } from "./registry";

const SEED_CONTAINER = "circus-registry-seed";
const READY_TIMEOUT_MS = 30_000;

export interface StandInImage {
  /** The local image, e.g. `circus/standin-nginx:latest`. */
  image: string;
  /** Its repository in the registry, e.g. `library/nginx`. */
  repository: string;
}

export interface SeedRegistryOptions {
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

/** Pushes every stand-in as `<repository>:latest`; blobs the registry has are not sent again. */
export async function seedRegistry(
  docker: Dockerode,
  standIns: readonly StandInImage[],
  options: SeedRegistryOptions = {},
): Promise<void> {
  const say = options.onProgress ?? (() => {});
  await callEngine(() => docker.createVolume({ Name: REGISTRY_VOLUME, Labels: { [REGISTRY_LABEL]: "true" } }));
  await removeSeedContainer(docker);
  const container = await callEngine(() =>
    docker.createContainer({
      name: SEED_CONTAINER,
      Image: REGISTRY_IMAGE,
      Cmd: ["docker-registry", "serve", "/etc/docker/registry/seed.yml"],
      Labels: { [REGISTRY_LABEL]: "seed" },
      ExposedPorts: { "5000/tcp": {} },
      HostConfig: {
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        ReadonlyRootfs: true,
        Mounts: [{ Type: "volume", Source: REGISTRY_VOLUME, Target: REGISTRY_DATA_DIR }],
        Tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=64m" },
        // Loopback of the engine's machine, a port the engine picks: only the engine pushes here.
        PortBindings: { "5000/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
      },
    }),
  );
  try {
    await callEngine(() => container.start());
    const inspected = await callEngine(() => container.inspect());
    const port = Number(inspected.NetworkSettings.Ports["5000/tcp"]?.[0]?.HostPort);
    if (!Number.isInteger(port) || port <= 0) throw new RegistrySeedFailedError("the engine published no port");
    await waitForRegistry(port, options.signal);
    for (const standIn of standIns) {
      options.signal?.throwIfAborted();
      const target = `127.0.0.1:${port}/${standIn.repository}`;
      await pushAs(docker, standIn.image, target, options.signal);
      say(`✓ ${standIn.repository} in the Circus registry (from ${standIn.image})`);
    }
  } finally {
    await removeSeedContainer(docker);
  }
}

async function pushAs(docker: Dockerode, image: string, repository: string, signal?: AbortSignal): Promise<void> {
  await callEngine(() => docker.getImage(image).tag({ repo: repository, tag: "latest" }));
  try {
    const stream = await callEngine(() => docker.getImage(`${repository}:latest`).push({ authconfig: {} }));
    let failure: string | undefined;
    await readEngineMessages(
      stream,
      (message) => {
        if (message.error) failure = message.errorDetail?.message ?? message.error;
      },
      signal,
    );
    if (failure) throw new RegistrySeedFailedError(`pushing ${image}: ${failure}`);
  } catch (error) {
    if (error instanceof RegistrySeedFailedError) throw error;
    throw new RegistrySeedFailedError(`pushing ${image}: ${engineMessageOf(error)}`, { cause: error });
  } finally {
    // only the temporary tag goes; the image keeps its own name
    await docker
      .getImage(`${repository}:latest`)
      .remove({ noprune: true })
      .catch(() => {});
  }
}

async function removeSeedContainer(docker: Dockerode): Promise<void> {
  await docker
    .getContainer(SEED_CONTAINER)
    .remove({ force: true })
    .catch(() => {});
}

/** Waits for the registry's API to answer: the engine's port proxy accepts connections before the registry listens. */
async function waitForRegistry(port: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    const status = await new Promise<number | undefined>((resolve) => {
      const request = get({ host: "127.0.0.1", port, path: "/v2/", timeout: 2000 }, (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.once("timeout", () => request.destroy());
      request.once("error", () => resolve(undefined));
    });
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new RegistrySeedFailedError(`the seeding registry did not answer on 127.0.0.1:${port} within 30 s`);
}

/** The manifest's images that go to the registry (those with a `registry` repository), in manifest order. */
export function registryStandIns(images: readonly ManifestImage[]): StandInImage[] {
  return images.flatMap((image) =>
    image.kind === "dockerfile" && image.registry !== undefined
      ? [{ image: image.name, repository: image.registry }]
      : [],
  );
}
