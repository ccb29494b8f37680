// The Circus registry: one container (Debian's docker-registry) that Docker-enabled sandboxes pull
// images from. It is joined to each Docker-enabled environment's private network under the name
// `circus-registry`, serves read-only from a volume with its own root filesystem read-only, and
// never forwards packets between the networks it sits on.
import type Dockerode from "dockerode";
import { callEngine, engineStatusOf } from "../environments/engine-failures";
import { ImageMissingError } from "../errors";

export const REGISTRY_IMAGE = "circus/registry:latest";
export const REGISTRY_CONTAINER = "circus-registry";
/** The name sandboxes reach it by (circus/docker's registries.conf). */
export const REGISTRY_ALIAS = "circus-registry";
export const REGISTRY_VOLUME = "circus-registry-data";
/** Its own internal network: a container on `none` could not be joined to others later. */
export const REGISTRY_NETWORK = "circus-registry";
export const REGISTRY_LABEL = "circus.registry";
export const REGISTRY_DATA_DIR = "/var/lib/docker-registry";
const MIB = 1024 * 1024;

const starting = new WeakMap<Dockerode, Promise<void>>();

/** Starts the registry when it is not running (creating its volume, network and container if missing). */
export function ensureRegistry(docker: Dockerode): Promise<void> {
  let pending = starting.get(docker);
  if (!pending) {
    pending = startRegistry(docker).finally(() => starting.delete(docker));
    starting.set(docker, pending);
  }
  return pending;
}

async function startRegistry(docker: Dockerode): Promise<void> {
  const container = docker.getContainer(REGISTRY_CONTAINER);
  try {
    const state = await callEngine(() => container.inspect());
    if (state.State.Running) return;
  } catch (error) {
    if (engineStatusOf(error) !== 404) throw error;
    await createRegistry(docker);
  }
  try {
    await callEngine(() => container.start());
  } catch (error) {
    if (engineStatusOf(error) !== 304) throw error; // 304: started meanwhile
  }
}

async function createRegistry(docker: Dockerode): Promise<void> {
  try {
    await callEngine(() => docker.getImage(REGISTRY_IMAGE).inspect());
  } catch (error) {
    if (engineStatusOf(error) === 404) throw new ImageMissingError(REGISTRY_IMAGE);
    throw error;
  }
  const labels = { [REGISTRY_LABEL]: "true" };
  await callEngine(() => docker.createVolume({ Name: REGISTRY_VOLUME, Labels: labels }));
  await ignoreConflict(() =>
    docker.createNetwork({
      Name: REGISTRY_NETWORK,
      Driver: "bridge",
      Internal: true,
      CheckDuplicate: true,
      Labels: labels,
      Options: { "com.docker.network.bridge.inhibit_ipv4": "true" },
    }),
  );
  await ignoreConflict(() =>
    docker.createContainer({
      name: REGISTRY_CONTAINER,
      Image: REGISTRY_IMAGE,
      Labels: labels,
      HostConfig: {
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        ReadonlyRootfs: true,
        Memory: 256 * MIB,
        MemorySwap: 256 * MIB,
        PidsLimit: 128,
        NanoCpus: 1e9,
        Mounts: [{ Type: "volume", Source: REGISTRY_VOLUME, Target: REGISTRY_DATA_DIR, ReadOnly: true }],
        Tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=16m" },
        NetworkMode: REGISTRY_NETWORK,
        // It sits on many environments' networks: it must never route between them.
        Sysctls: { "net.ipv4.ip_forward": "0", "net.ipv4.conf.all.forwarding": "0" },
        LogConfig: { Type: "json-file", Config: { "max-size": "1m", "max-file": "1" } },
        RestartPolicy: { Name: "unless-stopped" },
      },
    }),
  );
}

async function ignoreConflict(create: () => Promise<unknown>): Promise<void> {
  try {
    await callEngine(create);
  } catch (error) {
    if (engineStatusOf(error) !== 409) throw error; // made by a concurrent caller
  }
}

/** Joins the registry to an environment's network (starting it first if needed). */
export async function connectRegistry(docker: Dockerode, networkName: string): Promise<void> {
  await ensureRegistry(docker);
  await callEngine(() =>
    docker
      .getNetwork(networkName)
      .connect({ Container: REGISTRY_CONTAINER, EndpointConfig: { Aliases: [REGISTRY_ALIAS] } }),
  );
}

/** Takes the registry off a network so that the network can be removed; fine when it is not on it. */
export async function disconnectRegistry(docker: Dockerode, networkId: string): Promise<void> {
  try {
    await callEngine(() => docker.getNetwork(networkId).disconnect({ Container: REGISTRY_CONTAINER, Force: true }));
  } catch (error) {
    const status = engineStatusOf(error);
    if (status !== 404 && status !== 403 && status !== 500) throw error;
  }
}
