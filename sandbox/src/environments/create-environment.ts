// Creating one environment on the engine: check its images, make its private network, create and
// start its hosts in parallel; on any failure or abort, remove all of it before rethrowing.
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import type { ContainerRuntime } from "../config";
import { prepareDockerHost } from "../docker-inside/prepare-docker-host";
import { connectRegistry } from "../docker-inside/registry";
import { offeredOciRuntimes } from "../engine/oci-runtimes";
import { ImageMissingError, RuntimeUnavailableError } from "../errors";
import type { TerminalPipes } from "../terminals/terminal-pipes";
import { callEngine, engineStatusOf } from "./engine-failures";
import { type Environment, type EnvironmentSpec, hasDockerHost, needsNetwork } from "./environment";
import { environmentNetworkOptions, hostContainerOptions } from "./isolation";
import { environmentLabels, hostLabels } from "./labels";
import { removeEnvironmentResources } from "./remove-environment";

export interface CreateEnvironmentInput {
  docker: Dockerode;
  id: string;
  spec: EnvironmentSpec;
  runtime: ContainerRuntime;
  scopeLabels: Record<string, string>;
  logger: Logger;
  signal?: AbortSignal;
  /** The runtime's terminal pipes: each host gets its folder, bound read-only. Default none. */
  terminalPipes?: TerminalPipes | undefined;
}

export async function createEnvironment(input: CreateEnvironmentInput): Promise<Environment> {
  const { docker, id, spec, signal } = input;
  const createdAt = new Date();
  const expiresAt = new Date(createdAt.getTime() + spec.ttlSeconds * 1000);
  const labelInput = { id, spec, createdAt, expiresAt, scopeLabels: input.scopeLabels };
  const containerIds: string[] = [];
  let networkId: string | undefined;
  try {
    signal?.throwIfAborted();
    await assertImagesExist(docker, [...new Set(spec.hosts.map((host) => host.startImage ?? host.image))]);
    signal?.throwIfAborted();

    let networkName: string | undefined;
    if (needsNetwork(spec)) {
      networkName = `circus-${id}`;
      const network = await callEngine(() =>
        docker.createNetwork(environmentNetworkOptions(networkName!, environmentLabels(labelInput), id)),
      );
      networkId = network.id;
      signal?.throwIfAborted();
      if (hasDockerHost(spec)) await connectRegistry(docker, networkName);
      signal?.throwIfAborted();
    }

    // allSettled: every in-flight create finishes (and is recorded) before a rollback starts.
    const results = await Promise.allSettled(
      spec.hosts.map(async (host) => {
        const pipesBind = await input.terminalPipes?.prepareHost(id, host.name);
        const options = hostContainerOptions({
          environmentId: id,
          host: host.startImage ? { ...host, image: host.startImage } : host,
          labels: hostLabels(labelInput, host.name),
          runtime: input.runtime,
          networkName,
          ...(pipesBind ? { binds: [pipesBind] } : {}),
        });
        const container = await createHostContainer(docker, options, input.runtime);
        containerIds.push(container.id);
        signal?.throwIfAborted();
        await callEngine(() => container.start());
        if (host.docker) await prepareDockerHost(docker, container.id);
        return { name: host.name, containerId: container.id };
      }),
    );
    const failure = results.find((result) => result.status === "rejected");
    if (failure) throw failure.reason;
    signal?.throwIfAborted();

    const hosts = results.map((result) => (result as PromiseFulfilledResult<Environment["hosts"][number]>).value);
    return {
      id,
      spec,
      hosts,
      ...(networkId === undefined ? {} : { networkId }),
      createdAt,
      expiresAt,
      // The idle clock starts when the hosts are up: a create that waited in the queue is not idle time.
      lastActivityAt: new Date(),
      ...(spec.owner === undefined ? {} : { owner: spec.owner }),
    };
  } catch (error) {
    input.logger.warn({ environment: id, err: error }, "environment create failed; removing what it made");
    try {
      await removeEnvironmentResources(
        docker,
        id,
        { containerIds, ...(networkId ? { networkId } : {}) },
        input.terminalPipes,
      );
    } catch (cleanupError) {
      input.logger.error({ environment: id, err: cleanupError }, "could not remove a failed environment");
    }
    throw error;
  }
}

/** Creates a host's container; an engine that refuses it for lack of the OCI runtime gets RuntimeUnavailableError. */
async function createHostContainer(
  docker: Dockerode,
  options: Dockerode.ContainerCreateOptions,
  runtime: ContainerRuntime,
): Promise<Dockerode.Container> {
  try {
    return await callEngine(() => docker.createContainer(options));
  } catch (error) {
    // Engine 20.10 answers 400 "Unknown runtime specified runsc": ask which runtimes it has rather than parse that.
    if (engineStatusOf(error) === 400) {
      const offered = await callEngine(() => offeredOciRuntimes(docker));
      if (!offered.includes(runtime)) throw new RuntimeUnavailableError(runtime, offered, { cause: error });
    }
    throw error;
  }
}

async function assertImagesExist(docker: Dockerode, images: string[]): Promise<void> {
  await Promise.all(
    images.map(async (image) => {
      try {
        await callEngine(() => docker.getImage(image).inspect());
      } catch (error) {
        if (engineStatusOf(error) === 404) throw new ImageMissingError(image);
        throw error;
      }
    }),
  );
}
