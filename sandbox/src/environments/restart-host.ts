// Restarting one host of an environment: its container is removed (whatever state it is in) and a new
// one is made from the host's image (or a checkpoint's) with the same name, labels, limits and network
// alias, and a Docker-enabled host gets its Docker-inside setup again (its tmpfs start empty).
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import type { ContainerRuntime } from "../config";
import { prepareDockerHost } from "../docker-inside/prepare-docker-host";
import { HostNotFoundError } from "../errors";
import type { TerminalPipes } from "../terminals/terminal-pipes";
import { callEngine } from "./engine-failures";
import { type Environment, needsNetwork } from "./environment";
import { hostContainerOptions } from "./isolation";
import { hostLabels } from "./labels";
import { removeContainer } from "./remove-environment";

export interface RestartHostInput {
  docker: Dockerode;
  environment: Environment;
  hostName: string;
  runtime: ContainerRuntime;
  scopeLabels: Record<string, string>;
  logger: Logger;
  /** The image to start from instead of the spec's (a checkpoint, see src/checkpoints). */
  image?: string;
  /** The runtime's terminal pipes: the new container gets the host's folder again. */
  terminalPipes?: TerminalPipes | undefined;
}

/** The new container id of the host; its old container is gone. */
export async function restartHost(input: RestartHostInput): Promise<string> {
  const { docker, environment, hostName } = input;
  const host = environment.spec.hosts.find((candidate) => candidate.name === hostName);
  const current = environment.hosts.find((candidate) => candidate.name === hostName);
  if (!host || !current) throw new HostNotFoundError(environment.id, hostName);
  await removeContainer(docker, current.containerId);
  const labelInput = {
    id: environment.id,
    spec: environment.spec,
    createdAt: environment.createdAt,
    expiresAt: environment.expiresAt,
    scopeLabels: input.scopeLabels,
  };
  const pipesBind = await input.terminalPipes?.prepareHost(environment.id, host.name);
  const options = hostContainerOptions({
    ...(pipesBind ? { binds: [pipesBind] } : {}),
    environmentId: environment.id,
    host: input.image ? { ...host, image: input.image } : host,
    labels: hostLabels(labelInput, host.name),
    runtime: input.runtime,
    ...(needsNetwork(environment.spec) ? { networkName: `circus-${environment.id}` } : {}),
  });
  const container = await callEngine(() => docker.createContainer(options));
  try {
    await callEngine(() => container.start());
    if (host.docker) await prepareDockerHost(docker, container.id);
  } catch (error) {
    await removeContainer(docker, container.id).catch(() => undefined);
    throw error;
  }
  input.logger.info({ environment: environment.id, host: hostName, container: container.id }, "host restarted");
  return container.id;
}
