// What an environment is: the spec a caller asks for (zod, validated at the runtime's boundary)
// and the live Environment the runtime hands back.
import { z } from "zod";
import { InvalidSpecError } from "../errors";

/** Capabilities a scenario may add back; everything else stays dropped (never SYS_ADMIN, SYS_MODULE...). */
export const ALLOWED_CAPABILITIES = [
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_ADMIN",
  "NET_BIND_SERVICE",
  "NET_RAW",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
  "SYS_PTRACE",
] as const;

/** Label keys the runtime owns; a spec may not set them. */
const RESERVED_LABELS = [
  "circus.environment",
  "circus.expires-at",
  "circus.created-at",
  "circus.version",
  "circus.host",
  "circus.owner",
  "circus.spec",
];

/** The default writable-layer quota of a host: 2 GiB. */
export const DEFAULT_DISK_MIB = 2048;

export const hostSpecSchema = z.object({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/, "a host name is lowercase letters, digits and '-' (max 32)"),
  image: z.string().min(1),
  /**
   * The image the host's first container starts from instead of `image` (a checkpoint, when a saved lab
   * resumes). Restarting the host later starts it fresh from `image`.
   */
  startImage: z.string().min(1).optional(),
  cpus: z.number().positive().max(16).default(1),
  memoryMiB: z.number().int().min(16).max(65_536).default(512),
  pids: z.number().int().min(16).max(32_768).default(512),
  capabilities: z.array(z.enum(ALLOWED_CAPABILITIES)).default([]),
  env: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name is letters, digits and '_'")
        .refine((name) => !name.startsWith("DOCKER_"), "DOCKER_* variables are not allowed in a sandbox"),
      z.string(),
    )
    .default({}),
  tmpfsMiB: z.number().int().min(1).max(4096).optional(),
  /** Writable-layer quota: the runtime stops a host that writes more (see README "Disk quota"). */
  diskMiB: z.number().int().min(16).max(1_048_576).default(DEFAULT_DISK_MIB),
  /**
   * Docker inside the host (rootless Podman as an unprivileged learner, sandbox/README.md): the image
   * must be circus/docker or built on it. Adds no capability; a wider seccomp profile and /dev/net/tun.
   */
  docker: z.boolean().default(false),
});

export const environmentSpecSchema = z.object({
  hosts: z
    .array(hostSpecSchema)
    .min(1)
    .max(8)
    .refine((hosts) => new Set(hosts.map((host) => host.name)).size === hosts.length, "host names must be unique")
    .refine(
      (hosts) => hosts.every((host) => !host.docker || host.capabilities.length === 0),
      "a Docker-enabled host cannot add capabilities: its learner is unprivileged and containers run rootless",
    ),
  network: z.boolean().optional(),
  ttlSeconds: z.number().int().positive(),
  idleTimeoutSeconds: z.number().int().positive(),
  owner: z.string().min(1).max(200).optional(),
  labels: z
    .record(
      z
        .string()
        .min(1)
        .refine((key) => !RESERVED_LABELS.includes(key), "this label is set by the runtime"),
      z.string(),
    )
    .optional(),
});

export type HostSpec = z.infer<typeof hostSpecSchema>;
export type EnvironmentSpec = z.infer<typeof environmentSpecSchema>;
/** A spec as callers write it: fields with defaults may be left out. */
export type EnvironmentSpecInput = z.input<typeof environmentSpecSchema>;

export interface Environment {
  id: string;
  spec: EnvironmentSpec;
  hosts: { name: string; containerId: string }[];
  networkId?: string;
  createdAt: Date;
  expiresAt: Date;
  lastActivityAt: Date;
  owner?: string;
}

/** Parses a spec, or throws InvalidSpecError naming the first bad field (e.g. `hosts.0.memoryMiB`). */
export function parseEnvironmentSpec(input: unknown): EnvironmentSpec {
  const parsed = environmentSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "spec"}: ${issue.message}`)
    .join("; ");
  throw new InvalidSpecError(detail);
}

/** A private network is made for several hosts, or for one host when the spec asks for it. */
export function needsNetwork(spec: EnvironmentSpec): boolean {
  return spec.hosts.length > 1 || spec.network === true || hasDockerHost(spec);
}

/** A Docker-enabled host pulls from the Circus registry, which joins the environment's network. */
export function hasDockerHost(spec: EnvironmentSpec): boolean {
  return spec.hosts.some((host) => host.docker);
}

/** A copy the caller may keep or change without touching the runtime's own record. */
export function snapshotEnvironment(environment: Environment): Environment {
  return {
    ...environment,
    hosts: environment.hosts.map((host) => ({ ...host })),
    createdAt: new Date(environment.createdAt),
    expiresAt: new Date(environment.expiresAt),
    lastActivityAt: new Date(environment.lastActivityAt),
  };
}
