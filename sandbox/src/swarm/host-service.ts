// The Swarm service of one sandbox host: one replica that is never restarted, resource reservations
// equal to its limits (so Swarm never overfills a node), the single-engine backend's labels and the
// hardening a service spec can carry. What it cannot carry (no-new-privileges) is set in each node's
// daemon.json and checked by checkSwarmNodes and on every host start.
import type Dockerode from "dockerode";
import type { HostSpec } from "../environments/environment";
import { TMPFS_FOLDERS } from "../environments/isolation";
import { DISK_RESERVE_CONSTRAINT } from "./node-disk-reserve";

const MIB = 1024 * 1024;

export interface HostServiceInput {
  environmentId: string;
  host: HostSpec;
  /** Labels of the service and of its container (the single-engine backend's host labels). */
  labels: Record<string, string>;
  /** The environment's internal overlay network. */
  networkName: string;
  /** The registry every node pulls from (HOST:PORT); the host's image is pulled as REGISTRY/IMAGE. */
  registry: string;
}

/** `circus-<environment>-<host>`: the same name the single-engine backend gives the host's container. */
export function hostServiceName(environmentId: string, hostName: string): string {
  return `circus-${environmentId}-${hostName}`;
}

/** `circus-<environment>`: the environment's overlay network. */
export function environmentNetworkName(environmentId: string): string {
  return `circus-${environmentId}`;
}

/** The service spec (Engine API 1.41) of one host. */
export function hostServiceSpec(input: HostServiceInput): Record<string, unknown> {
  const { host } = input;
  const memoryBytes = host.memoryMiB * MIB;
  const nanoCpus = Math.round(host.cpus * 1e9);
  return {
    Name: hostServiceName(input.environmentId, host.name),
    Labels: input.labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: `${input.registry}/${host.image}`,
        Command: ["sleep", "infinity"],
        Hostname: host.name,
        Env: Object.entries(host.env).map(([name, value]) => `${name}=${value}`),
        Labels: input.labels,
        Init: true,
        CapabilityDrop: ["ALL"],
        CapabilityAdd: host.capabilities.map((capability) => `CAP_${capability}`),
        // Engine 20.10 mounts a service's tmpfs noexec and its spec cannot say otherwise (TmpfsOptions.Options
        // came with API 1.46): /run is tmpfs as on one engine, /tmp stays on the container's layer because
        // learners run scripts there.
        Mounts: [{ Type: "tmpfs", Target: TMPFS_FOLDERS[1], TmpfsOptions: { SizeBytes: 16 * MIB, Mode: 0o755 } }],
        // As on the single engine (isolation.ts): names the embedded DNS does not know go nowhere.
        DNSConfig: { Nameservers: ["127.0.0.1"] },
        StopGracePeriod: 1_000_000_000,
      },
      Resources: {
        Limits: { NanoCPUs: nanoCpus, MemoryBytes: memoryBytes, Pids: host.pids },
        Reservations: { NanoCPUs: nanoCpus, MemoryBytes: memoryBytes },
      },
      RestartPolicy: { Condition: "none", MaxAttempts: 0 },
      // A node below the free-disk reserve (labelled by node-disk-reserve.ts) takes no new host.
      Placement: { Constraints: [DISK_RESERVE_CONSTRAINT] },
      Networks: [{ Target: input.networkName, Aliases: [host.name] }],
      LogDriver: { Name: "json-file", Options: { "max-size": "1m", "max-file": "1" } },
    },
    Mode: { Replicated: { Replicas: 1 } },
    // No virtual IP and no published port: the host's name resolves to its task on the overlay only.
    EndpointSpec: { Mode: "dnsrr" },
  };
}

/** An environment's overlay network: internal (no egress, no gateway bridge), not attachable by others. */
export function environmentOverlayOptions(
  name: string,
  labels: Record<string, string>,
): Dockerode.NetworkCreateOptions {
  return {
    Name: name,
    Driver: "overlay",
    Internal: true,
    Attachable: false,
    CheckDuplicate: true,
    EnableIPv6: false,
    Labels: labels,
  };
}
