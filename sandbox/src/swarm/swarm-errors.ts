// Typed errors of the Swarm backend: each names what the operator must fix on the cluster (a node's
// label or certificates, its daemon configuration, the registry), never a learner.
import { SandboxError } from "../errors";

export class ImagePushFailedError extends SandboxError {
  override name = "ImagePushFailedError";
  constructor(image: string, registry: string, detail: string, options?: { cause?: unknown }) {
    super(
      "image_push_failed",
      `could not push ${image} to the registry ${registry}: ${detail}`,
      "check that the registry answers on that address (`curl http://REGISTRY/v2/`) and that this engine may push to it (a registry that is not on loopback must be in its insecure-registries or serve TLS)",
      options,
    );
  }
}

export class InvalidRegistryError extends SandboxError {
  override name = "InvalidRegistryError";
  constructor(registry: string) {
    super(
      "invalid_registry",
      `"${registry}" is not a registry address`,
      "give HOST:PORT (e.g. 127.0.0.1:5000 or registry.internal:5000), without a scheme or a path",
    );
  }
}

export class NotASwarmManagerError extends SandboxError {
  override name = "NotASwarmManagerError";
  constructor(detail: string) {
    super(
      "not_a_swarm_manager",
      `the engine is not a Swarm manager: ${detail}`,
      "point the Swarm backend at a manager node's engine (`docker node ls` must work there), or `docker swarm init` on it",
    );
  }
}

export class NodeEngineUnreachableError extends SandboxError {
  override name = "NodeEngineUnreachableError";
  constructor(
    readonly node: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      "node_engine_unreachable",
      `the engine of Swarm node ${node} cannot be reached over mutual TLS: ${detail}`,
      "label the node with its engine (`docker node update --label-add circus.engine=tcp://ADDRESS:2376 NODE`), run its dockerd with tlsverify on that port and a server certificate from the CA Circus trusts",
      options,
    );
  }
}

export class NodeHardeningMissingError extends SandboxError {
  override name = "NodeHardeningMissingError";
  constructor(
    readonly node: string,
    detail: string,
  ) {
    super(
      "node_hardening_missing",
      `Swarm node ${node} does not apply the hardening service specs cannot carry: ${detail}`,
      'add `"no-new-privileges": true` to the node\'s /etc/docker/daemon.json and restart its dockerd',
    );
  }
}

export class HostTaskNotRunningError extends SandboxError {
  override name = "HostTaskNotRunningError";
  constructor(
    readonly environmentId: string,
    readonly host: string,
    readonly state: string,
  ) {
    super(
      "host_task_not_running",
      `host ${host} of environment ${environmentId} is not running on any node (its task is ${state})`,
      "restart the environment: a new one is placed on a live node",
    );
  }
}

export class HostStartFailedError extends SandboxError {
  override name = "HostStartFailedError";
  constructor(
    readonly environmentId: string,
    readonly host: string,
    detail: string,
  ) {
    super(
      "host_start_failed",
      `host ${host} of environment ${environmentId} did not start on the Swarm: ${detail}`,
      "check that its image is in the registry (`npm run images -- --push REGISTRY`) and that a node has the CPU and memory it reserves (`docker node ls`, `docker service ps`)",
    );
  }
}

export class CheckpointRegistryError extends SandboxError {
  override name = "CheckpointRegistryError";
  constructor(registryUrl: string, detail: string, options?: { cause?: unknown }) {
    super(
      "checkpoint_registry_failed",
      `the Swarm's registry at ${registryUrl} did not answer as expected for checkpoints: ${detail}`,
      "check that this server reaches the registry's API (`curl REGISTRY_URL/v2/`), that the registry accepts pushes from the nodes, and that it allows deletes (REGISTRY_STORAGE_DELETE_ENABLED=true)",
      options,
    );
  }
}

export class HostNodeLostError extends SandboxError {
  override name = "HostNodeLostError";
  constructor(
    readonly host: string,
    readonly node: string,
  ) {
    super(
      "host_node_lost",
      `host ${host} was lost with the machine it ran on (${node})`,
      "restart the host: it starts again on a machine that runs (its files start fresh)",
    );
  }
}

/**
 * Docker inside a sandbox needs a writable /proc/sys/net (netavark's inner networks and published ports), and
 * nothing on a Swarm node of Engine 20.10 can give a service's container that: the rest of the Docker-inside
 * setup could be had on dedicated nodes (sandbox/README.md, "Swarm", checked each piece on this engine).
 */
export class DockerHostOnSwarmError extends SandboxError {
  override name = "DockerHostOnSwarmError";
  constructor(readonly host: string) {
    super(
      "docker_host_unsupported",
      `host ${host} needs Docker inside its sandbox (docker: true), which the Swarm backend cannot give it: its inner networks and published ports need a writable /proc/sys/net, and a Swarm service's container keeps /proc/sys read-only (TaskTemplate.ContainerSpec has no ReadonlyPaths or systempaths=unconfined in Engine API 1.41, nor in 1.43; runc refuses a bind mount inside /proc; no daemon setting changes the read-only paths). The rest could be had on dedicated nodes: the seccomp profile only as such a node's daemon default (ContainerSpec.Privileges.Seccomp came with API 1.44), /dev/net/tun as a bind mount, the learner's exec tmpfs as a tmpfs volume`,
      "run scenarios with Docker-enabled hosts on a single-engine Circus (CIRCUS_ORCHESTRATOR=engine), or remove `docker: true` from the host",
    );
  }
}

export class SwarmDiskReserveLowError extends SandboxError {
  override name = "SwarmDiskReserveLowError";
  constructor(
    readonly mostFreeMiB: number,
    readonly reserveMiB: number,
  ) {
    super(
      "disk_reserve_low",
      `no machine of the Swarm has free disk above its reserve of ${reserveMiB} MiB (the most free has ${mostFreeMiB} MiB): no new environment starts`,
      "try again later; operators: free disk space on the nodes' data roots, add a node, or lower CIRCUS_SANDBOX_DISK_RESERVE_MIB",
    );
  }
}
