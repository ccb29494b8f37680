// Removing an environment's containers and network: the ones we know of, plus any the engine
// still lists under the environment's label (a create cut short may have left one we never saw).

import type Dockerode from "dockerode";
import { disconnectRegistry } from "../docker-inside/registry";
import type { TerminalPipes } from "../terminals/terminal-pipes";
import { callEngine, engineStatusOf } from "./engine-failures";
import { LABEL } from "./labels";

export interface EnvironmentResources {
  containerIds?: string[];
  networkId?: string;
}

/** Removes everything of environment `id` (with its terminal pipes' folder, when given); idempotent. */
export async function removeEnvironmentResources(
  docker: Dockerode,
  id: string,
  known: EnvironmentResources = {},
  terminalPipes?: TerminalPipes,
): Promise<void> {
  const filters = { label: [`${LABEL.environment}=${id}`] };
  const listed = await callEngine(() => docker.listContainers({ all: true, filters }));
  const containerIds = new Set([...(known.containerIds ?? []), ...listed.map((container) => container.Id)]);
  await Promise.all([...containerIds].map((containerId) => removeContainer(docker, containerId)));

  const networks = await callEngine(() => docker.listNetworks({ filters }));
  const networkIds = new Set([...(known.networkId ? [known.networkId] : []), ...networks.map((network) => network.Id)]);
  await Promise.all([...networkIds].map((networkId) => removeNetwork(docker, networkId)));
  await terminalPipes?.removeEnvironment(id, [...containerIds]);
}

export async function removeContainer(docker: Dockerode, containerId: string): Promise<void> {
  try {
    await callEngine(() => docker.getContainer(containerId).remove({ force: true, v: true }));
  } catch (error) {
    // 404: already gone; 409: another removal of it is in progress.
    const status = engineStatusOf(error);
    if (status !== 404 && status !== 409) throw error;
  }
}

export async function removeNetwork(docker: Dockerode, networkId: string): Promise<void> {
  try {
    await callEngine(() => docker.getNetwork(networkId).remove());
  } catch (error) {
    const status = engineStatusOf(error);
    if (status === 404) return;
    // "has active endpoints": a Docker-enabled environment's network still holds the shared registry.
    if (status !== 403 && status !== 409 && status !== 500) throw error;
    await disconnectRegistry(docker, networkId);
    try {
      await callEngine(() => docker.getNetwork(networkId).remove());
    } catch (retryError) {
      if (engineStatusOf(retryError) !== 404) throw retryError;
    }
  }
}
