// Recreating an environment's hosts from a checkpoint (or from given start images): each host's container
// is replaced by a new one from its image, same name, limits and network alias. Files come back; running
// processes and tmpfs contents do not (a commit holds only the writable layer).
import type { Environment } from "../environments/environment";
import type { SandboxRuntime } from "../environments/sandbox-runtime";
import { EnvironmentNotFoundError, HostNotFoundError } from "../errors";
import type { Checkpoint } from "./checkpoint-labels";

/** What rewinding or resuming keeps and loses, in words a learner reads. */
export const CHECKPOINT_KEEPS = "the hosts' files";
export const CHECKPOINT_LOSES =
  "running processes, open shells and the contents of tmpfs mounts (such as /tmp and /run)";

/**
 * Recreates every host of environment `environmentId` from `images` (host name → image), in parallel.
 * A host missing from `images` fails with HostNotFoundError before anything is touched.
 */
export async function restoreHosts(
  runtime: SandboxRuntime,
  environmentId: string,
  images: Record<string, string>,
): Promise<Environment> {
  const environment = runtime.get(environmentId);
  if (!environment) throw new EnvironmentNotFoundError(environmentId);
  for (const host of environment.hosts) {
    if (!images[host.name]) throw new HostNotFoundError(environmentId, host.name);
  }
  const results = await Promise.allSettled(
    environment.hosts.map((host) => runtime.restartHost(environmentId, host.name, { image: images[host.name] })),
  );
  const failure = results.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
  return runtime.get(environmentId) ?? environment;
}

/** The images of a checkpoint by host name. */
export function checkpointImages(checkpoint: Checkpoint): Record<string, string> {
  return Object.fromEntries(checkpoint.hosts.map((host) => [host.name, host.image]));
}
