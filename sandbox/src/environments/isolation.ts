// The isolation every sandbox container gets: no capabilities beyond the spec's allowlist, no new
// privileges, bounded pids/memory/cpu/logs, and either no network or the environment's internal one.
import type Dockerode from "dockerode";
import type { ContainerRuntime } from "../config";
import { dockerHostConfig } from "../docker-inside/docker-host";
import { sandboxBridgeName } from "../engine/host-firewall";
import type { HostSpec } from "./environment";

const MIB = 1024 * 1024;

/** Folders mounted as tmpfs in every sandbox (the engine's archive API cannot see inside them). */
export const TMPFS_FOLDERS = ["/tmp", "/run"] as const;
const DEFAULT_TMPFS_MIB = 64;

export interface HostContainerInput {
  environmentId: string;
  host: HostSpec;
  labels: Record<string, string>;
  runtime: ContainerRuntime;
  /** The environment's private network name, or undefined for NetworkMode "none". */
  networkName?: string;
  /** Bind mounts (the host's terminal pipes folder). Default none. */
  binds?: string[];
}

/** Container create options for one host of an environment. */
export function hostContainerOptions(input: HostContainerInput): Dockerode.ContainerCreateOptions {
  const { host, networkName } = input;
  const memoryBytes = host.memoryMiB * MIB;
  const tmpfsMiB = host.tmpfsMiB ?? DEFAULT_TMPFS_MIB;
  // The container store is capped at the memory limit: its pages are charged to the host's memory anyway.
  const docker = host.docker ? dockerHostConfig({ storeMiB: host.memoryMiB }) : undefined;
  return {
    name: `circus-${input.environmentId}-${host.name}`,
    Image: host.image,
    Cmd: ["sleep", "infinity"],
    Hostname: host.name,
    Env: Object.entries(host.env).map(([name, value]) => `${name}=${value}`),
    Labels: input.labels,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    HostConfig: {
      Privileged: false,
      CapDrop: ["ALL"],
      CapAdd: [...host.capabilities],
      SecurityOpt: ["no-new-privileges"],
      PidsLimit: host.pids,
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NanoCpus: Math.round(host.cpus * 1e9),
      Init: true,
      IpcMode: "private",
      LogConfig: { Type: "json-file", Config: { "max-size": "1m", "max-file": "1" } },
      // /tmp keeps exec (learners run scripts there) but not suid; both are capped in size.
      Tmpfs: {
        [TMPFS_FOLDERS[0]]: `rw,exec,nosuid,nodev,size=${tmpfsMiB}m`,
        [TMPFS_FOLDERS[1]]: "rw,noexec,nosuid,nodev,size=16m",
        ...docker?.Tmpfs,
      },
      ...(docker === undefined
        ? {}
        : {
            SecurityOpt: docker.SecurityOpt,
            Devices: docker.Devices,
            Sysctls: docker.Sysctls,
            ReadonlyPaths: docker.ReadonlyPaths,
          }),
      NetworkMode: networkName ?? "none",
      // Engine 20.10 forwards names it does not know from internal networks to the host's resolver,
      // and from the host's own namespace when that resolver is on loopback (CVE-2024-29018). A
      // resolver given here is asked from inside the sandbox, where 127.0.0.1 is the sandbox itself:
      // host names still resolve through the engine's embedded DNS, nothing else leaves.
      ...(networkName === undefined ? {} : { Dns: ["127.0.0.1"] }),
      Runtime: input.runtime,
      RestartPolicy: { Name: "no" },
      Binds: input.binds ?? [],
    },
    ...(networkName === undefined
      ? {}
      : { NetworkingConfig: { EndpointsConfig: { [networkName]: { Aliases: [host.name] } } } }),
  };
}

/**
 * Network create options for an environment: an internal bridge (no egress) whose bridge has no
 * IPv4 address on the engine's machine and a `circus*` name that the host firewall drops traffic
 * from, so sandboxes reach no address of the machine even with NET_ADMIN and their own routes.
 */
export function environmentNetworkOptions(
  name: string,
  labels: Record<string, string>,
  environmentId: string,
): Dockerode.NetworkCreateOptions {
  return {
    Name: name,
    Driver: "bridge",
    Internal: true,
    CheckDuplicate: true,
    EnableIPv6: false,
    Attachable: false,
    Labels: labels,
    Options: {
      "com.docker.network.bridge.inhibit_ipv4": "true",
      // A known prefix, so the host firewall (engine/host-firewall.ts) matches every sandbox bridge.
      "com.docker.network.bridge.name": sandboxBridgeName(environmentId),
    },
  };
}
