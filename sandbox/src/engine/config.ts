// The engine's configuration from the environment, read in this one place: where the Docker
// engine listens and where Circus keeps the state of a dockerd it started itself.
import { fileURLToPath } from "node:url";
import { z } from "zod";

const engineEnvironmentSchema = z.object({
  DOCKER_HOST: z
    .string()
    .regex(/^(unix|tcp|http):\/\/./, "DOCKER_HOST must look like unix:///path/to/docker.sock or tcp://host:port")
    .optional(),
});

export interface EngineEnvironment {
  /** DOCKER_HOST when set (unix:// or tcp://); undefined means the default socket. */
  dockerHost?: string;
}

/** Reads DOCKER_HOST; an empty value counts as unset, a malformed one fails with the variable's name. */
export function readEngineEnvironment(env: NodeJS.ProcessEnv = process.env): EngineEnvironment {
  const parsed = engineEnvironmentSchema.safeParse({ DOCKER_HOST: env.DOCKER_HOST || undefined });
  if (!parsed.success) {
    throw new Error(`invalid environment: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`);
  }
  return parsed.data.DOCKER_HOST ? { dockerHost: parsed.data.DOCKER_HOST } : {};
}

/** The socket a local dockerd listens on when DOCKER_HOST is not set. */
export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

/** `.circus/` at the repository's root: dockerd's log and pid file live here (the folder is git-ignored). */
export const DEFAULT_STATE_DIR = fileURLToPath(new URL("../../../.circus/", import.meta.url));

/** The environment for a host program we spawn: ours, plus `extra` (e.g. DEBIAN_FRONTEND for apt-get). */
export function childEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

/** The folders searched for host programs: PATH, then the sbin folders a non-login root shell may lack. */
export function executableSearchPath(): string[] {
  const fromPath = (process.env.PATH ?? "").split(":").filter((dir) => dir !== "");
  return [...new Set([...fromPath, "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"])];
}
