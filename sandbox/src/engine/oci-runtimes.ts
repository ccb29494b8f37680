// The OCI runtimes an engine offers (`docker info`'s Runtimes: runc always, runsc once registered),
// read when a sandbox asks for one, so a missing runtime is reported by name rather than as a 400.
import type Dockerode from "dockerode";

/** Names of the OCI runtimes registered with the engine, sorted. */
export async function offeredOciRuntimes(docker: Dockerode): Promise<string[]> {
  const info = (await docker.info()) as { Runtimes?: Record<string, unknown> };
  return Object.keys(info.Runtimes ?? {}).sort();
}
