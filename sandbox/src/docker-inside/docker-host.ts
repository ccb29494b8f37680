// What a Docker-enabled host gets beyond every other host (and nothing more): the wider seccomp
// profile, /dev/net/tun, learner-owned tmpfs for Podman's store and runtime files, unprivileged
// low ports and a writable /proc/sys/net of its own network namespaces. No capability is added.
import type Dockerode from "dockerode";
import { dockerHostSeccompProfile } from "./docker-seccomp";

/** The unprivileged user Docker-enabled images run as (`learner` in circus/docker). */
export const LEARNER_UID = 1000;
/** Podman's image and container store of the learner (its rootless default), a tmpfs. */
export const CONTAINER_STORE_DIR = "/home/learner/.local/share/containers";
/** The learner's XDG_RUNTIME_DIR: Podman's locks, network namespaces and rootless-netns state. */
export const LEARNER_RUNTIME_DIR = `/run/user/${LEARNER_UID}`;
/** The TUN device slirp4netns needs for inner containers' networks, port publishing and name resolution. */
export const TUN_DEVICE = "/dev/net/tun";

/**
 * The engine makes /proc/sys read-only in every container. A Docker-enabled host keeps that for
 * everything but /proc/sys/net, whose files belong to the network namespace reading them: netavark
 * sets up inner networks (route_localnet for published ports) in namespaces the learner owns.
 * kernel.*, vm.*, fs.* and the rest stay read-only.
 */
export const DOCKER_HOST_READONLY_PATHS = [
  "/proc/bus",
  "/proc/fs",
  "/proc/irq",
  "/proc/sysrq-trigger",
  "/proc/sys/abi",
  "/proc/sys/crypto",
  "/proc/sys/debug",
  "/proc/sys/dev",
  "/proc/sys/fs",
  "/proc/sys/kernel",
  "/proc/sys/user",
  "/proc/sys/vm",
] as const;

const seccompOption = `seccomp=${JSON.stringify(dockerHostSeccompProfile())}`;

export interface DockerHostInput {
  /** Size cap of the container store tmpfs; its pages count against the host's memory limit anyway. */
  storeMiB: number;
}

/** HostConfig fields a Docker-enabled host adds to (or replaces in) the common isolation. */
export function dockerHostConfig(input: DockerHostInput): {
  SecurityOpt: string[];
  Devices: Dockerode.DeviceMapping[];
  Tmpfs: Record<string, string>;
  Sysctls: Record<string, string>;
  ReadonlyPaths: string[];
} {
  const owner = `uid=${LEARNER_UID},gid=${LEARNER_UID},mode=0700`;
  return {
    SecurityOpt: ["no-new-privileges", seccompOption],
    Devices: [{ PathOnHost: TUN_DEVICE, PathInContainer: TUN_DEVICE, CgroupPermissions: "rwm" }],
    Tmpfs: {
      // exec: inner containers run programs from their image layers here; nosuid/nodev as everywhere.
      [CONTAINER_STORE_DIR]: `rw,exec,nosuid,nodev,size=${input.storeMiB}m,${owner}`,
      [LEARNER_RUNTIME_DIR]: `rw,noexec,nosuid,nodev,size=16m,${owner}`,
    },
    // `docker run -p 80:80` as the learner: port numbers mean nothing outside the sandbox's own namespace.
    Sysctls: { "net.ipv4.ip_unprivileged_port_start": "0" },
    ReadonlyPaths: [...DOCKER_HOST_READONLY_PATHS],
  };
}

/**
 * The engine may create the TUN node 0600 (root only). Root in the sandbox owns that node, and an
 * owner needs no capability to chmod it: the learner can then open it (the same 0666 the kernel's own
 * devtmpfs rule gives it). Under user-namespace remapping the engine bind-mounts the machine's node
 * instead, owned by a root the sandbox does not map: it keeps the machine's mode (0666 by default) and
 * cannot be changed, so it is left as it is when others may already read and write it.
 */
export const OPEN_TUN_DEVICE_COMMAND = [
  "sh",
  "-c",
  `[ "$(stat -c %a ${TUN_DEVICE})" = 666 ] || chmod 0666 ${TUN_DEVICE}`,
];

/**
 * Run once as the learner after start: Podman makes its user namespace (a pause process every later
 * command joins) and its store, so the learner's first `docker run` is as fast as the next ones and
 * does not print Podman's one-time warnings about single-uid mapping.
 */
export const PREPARE_PODMAN_COMMAND = ["podman", "info", "--format", "{{.Store.GraphDriverName}}"];
