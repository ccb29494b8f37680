// The Swarm backend: every sandbox host is a Swarm service placed by Swarm's scheduler, every
// environment has its own internal overlay network, and hosts are driven through their node's engine
// over mutual TLS. It also finds hosts lost with their node and removes what a dead node left behind.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type Dockerode from "dockerode";
import { type Logger, pino } from "pino";
import { callEngine, engineMessageOf, engineStatusOf } from "../environments/engine-failures";
import { type EnvironmentSpecInput, parseEnvironmentSpec } from "../environments/environment";
import { environmentFromLabels, environmentLabels, hostLabels, LABEL, labelFilters } from "../environments/labels";
import { EnvironmentNotFoundError, HostNotFoundError } from "../errors";
import { parseRegistry } from "../images/push-images";
import { environmentNetworkName, environmentOverlayOptions, hostServiceName, hostServiceSpec } from "./host-service";
import { describeTask, isEnded, NodeEngines, newestTask, type SwarmNode, type SwarmTask } from "./host-tasks";
import type { EngineTls } from "./node-engines";
import { SwarmEnvironment } from "./swarm-environment";
import { DockerHostOnSwarmError, HostStartFailedError } from "./swarm-errors";

export interface SwarmBackendOptions {
  /** The engine of a Swarm manager (its socket, or mutual TLS like the other nodes). */
  manager: Dockerode;
  /** The CA and client certificate that open every node's engine (node label circus.engine). */
  tls: EngineTls;
  /** The registry every node pulls from (HOST:PORT); `npm run images -- --push REGISTRY` fills it. */
  registry: string;
  /** Labels put on every service and network, and the filter for everything this backend lists. Default none. */
  scopeLabels?: Record<string, string>;
  /** How long all hosts of an environment may take to run, image pull included. Default 120 s. */
  startTimeoutMs?: number;
  /** Default: a silent logger. */
  logger?: Logger;
}

/** A host that was running and is not any more because its node is gone or its task ended. */
export interface LostHost {
  environmentId: string;
  host: string;
  /** The node it ran on (hostname), when known. */
  node?: string;
  reason: string;
}

export interface SwarmBackend {
  /** Creates the environment's network and services; resolves once every host runs. */
  create(spec: EnvironmentSpecInput, options?: { signal?: AbortSignal }): Promise<SwarmEnvironment>;
  /** The handle of an existing environment, rebuilt from its services' labels (after a restart too). */
  environment(id: string): Promise<SwarmEnvironment>;
  /** Ids of the environments in this backend's scope. */
  list(): Promise<string[]>;
  /**
   * Replaces a host's service by a new one (same name, labels, limits and network alias): Swarm places it
   * on a live node (e.g. after its node was lost). Resolves once it runs; the caller copies files again.
   */
  restartHost(environment: SwarmEnvironment, hostName: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Hosts lost with their node (or whose task ended): what the web app tells learners. */
  findLostHosts(): Promise<LostHost[]>;
  /** Removes containers on live nodes and networks whose environment no longer exists; returns how many. */
  reapOrphans(): Promise<number>;
  /** Destroys environments whose lifetime has passed; returns their ids. */
  reapExpired(now?: Date): Promise<string[]>;
}

const POLL_MS = 100;
/** How long a host may wait for a node with room (CPU and memory reservations) before its start fails. */
const NO_ROOM_GRACE_MS = 10_000;
const DEFAULT_START_TIMEOUT_MS = 120_000;
/** A network without services younger than this is a create in progress (its services follow within ms), not an orphan. */
const NEW_NETWORK_GRACE_MS = 30_000;
/** The network outlives its services a moment, until their tasks have left it. */
const NETWORK_REMOVE_ATTEMPTS = 25;
const NETWORK_REMOVE_POLL_MS = 200;

interface SwarmService {
  ID: string;
  Spec: { Name: string; Labels?: Record<string, string> };
}

export function createSwarmBackend(options: SwarmBackendOptions): SwarmBackend {
  const { manager } = options;
  const registry = parseRegistry(options.registry);
  const scopeLabels = options.scopeLabels ?? {};
  const logger = options.logger ?? pino({ level: "silent" });
  const engines = new NodeEngines(options.tls);
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const scopeFilter = labelFilters(scopeLabels);

  const listServices = async (environmentId?: string): Promise<SwarmService[]> =>
    (await callEngine(() =>
      manager.listServices({
        filters: {
          label: [
            ...scopeFilter,
            environmentId === undefined ? LABEL.environment : `${LABEL.environment}=${environmentId}`,
          ],
        },
      }),
    )) as SwarmService[];

  const remove = async (id: string): Promise<void> => {
    const services = await listServices(id);
    await Promise.all(
      services.map((service) =>
        callEngine(() => manager.getService(service.ID).remove()).catch((error) => {
          if (engineStatusOf(error) !== 404) throw error;
        }),
      ),
    );
    if (!(await removeNetwork(manager, environmentNetworkName(id)))) {
      // A task on a node that is down still holds it: reapOrphans removes it once the node reports back.
      logger.warn({ environment: id }, "the environment's network is still in use; reapOrphans will remove it");
    }
    logger.info({ environment: id }, "swarm environment removed");
  };

  const handle = (labelled: NonNullable<ReturnType<typeof environmentFromLabels>>) =>
    new SwarmEnvironment({ ...labelled, manager, engines, remove });

  return {
    async create(input, { signal } = {}) {
      const spec = parseEnvironmentSpec(input);
      const dockerHost = spec.hosts.find((host) => host.docker);
      if (dockerHost) throw new DockerHostOnSwarmError(dockerHost.name);
      const id = randomBytes(6).toString("hex");
      const createdAt = new Date();
      const expiresAt = new Date(createdAt.getTime() + spec.ttlSeconds * 1000);
      const labelInput = { id, spec, createdAt, expiresAt, scopeLabels };
      const networkName = environmentNetworkName(id);
      try {
        signal?.throwIfAborted();
        await callEngine(() =>
          manager.createNetwork(environmentOverlayOptions(networkName, environmentLabels(labelInput))),
        );
        const created = await Promise.allSettled(
          spec.hosts.map((host) =>
            callEngine(() =>
              manager.createService(
                hostServiceSpec({
                  environmentId: id,
                  host: host.startImage ? { ...host, image: host.startImage } : host,
                  labels: hostLabels(labelInput, host.name),
                  networkName,
                  registry,
                }),
              ),
            ),
          ),
        );
        const failed = created.find((result) => result.status === "rejected");
        if (failed) throw failed.reason;
        const serviceIdByHost = new Map(
          spec.hosts.map((host, index) => [
            host.name,
            (created[index] as PromiseFulfilledResult<{ id: string }>).value.id,
          ]),
        );
        await waitUntilRunning(manager, id, serviceIdByHost, startTimeoutMs, signal);
        logger.info({ environment: id, hosts: spec.hosts.length }, "swarm environment created");
        return handle({ id, spec, createdAt, expiresAt });
      } catch (error) {
        logger.warn({ environment: id, err: error }, "swarm environment create failed; removing what it made");
        await remove(id).catch((cleanupError) =>
          logger.error({ environment: id, err: cleanupError }, "could not remove a failed swarm environment"),
        );
        throw error;
      }
    },

    async environment(id) {
      const service = (await listServices(id))[0];
      const labelled = service && environmentFromLabels(service.Spec.Labels ?? {});
      if (!labelled) throw new EnvironmentNotFoundError(id);
      return handle(labelled);
    },

    async list() {
      const services = await listServices();
      return [...new Set(services.map((service) => service.Spec.Labels?.[LABEL.environment] ?? ""))].filter(Boolean);
    },

    async restartHost(environment, hostName, { signal } = {}) {
      const host = environment.spec.hosts.find((candidate) => candidate.name === hostName);
      if (!host) throw new HostNotFoundError(environment.id, hostName);
      const name = hostServiceName(environment.id, hostName);
      await callEngine(() => manager.getService(name).remove()).catch((error) => {
        if (engineStatusOf(error) !== 404) throw error;
      });
      const labelInput = {
        id: environment.id,
        spec: environment.spec,
        createdAt: environment.createdAt,
        expiresAt: environment.expiresAt,
        scopeLabels,
      };
      const spec = hostServiceSpec({
        environmentId: environment.id,
        host,
        labels: hostLabels(labelInput, hostName),
        networkName: environmentNetworkName(environment.id),
        registry,
      });
      // The manager may still hold the removed service's name a moment.
      let created: { id: string } | undefined;
      for (let attempt = 0; !created; attempt += 1) {
        try {
          created = (await callEngine(() => manager.createService(spec))) as { id: string };
        } catch (error) {
          if (engineStatusOf(error) !== 409 || attempt >= NETWORK_REMOVE_ATTEMPTS) throw error;
          await sleep(NETWORK_REMOVE_POLL_MS, undefined, { signal });
        }
      }
      await waitUntilRunning(manager, environment.id, new Map([[hostName, created.id]]), startTimeoutMs, signal);
      logger.info({ environment: environment.id, host: hostName }, "swarm host restarted");
    },

    async findLostHosts() {
      const services = await listServices();
      if (services.length === 0) return [];
      const [tasks, nodes] = await Promise.all([
        callEngine(() => manager.listTasks({ filters: { service: services.map((service) => service.ID) } })) as Promise<
          SwarmTask[]
        >,
        callEngine(() => manager.listNodes()) as Promise<SwarmNode[]>,
      ]);
      const nodeById = new Map(nodes.map((node) => [node.ID, node]));
      return services.flatMap((service): LostHost[] => {
        const task = newestTask(tasks.filter((candidate) => candidate.ServiceID === service.ID));
        if (!task) return [];
        const environmentId = service.Spec.Labels?.[LABEL.environment] ?? "";
        const host = service.Spec.Labels?.[LABEL.host] ?? service.Spec.Name;
        const node = task.NodeID === undefined ? undefined : nodeById.get(task.NodeID);
        const nodeName = node?.Description?.Hostname ?? task.NodeID;
        const where = nodeName === undefined ? {} : { node: nodeName };
        if (node && node.Status.State !== "ready") {
          return [{ environmentId, host, ...where, reason: `its node ${nodeName} is ${node.Status.State}` }];
        }
        if (task.NodeID !== undefined && !node) {
          return [{ environmentId, host, ...where, reason: `its node ${task.NodeID} left the Swarm` }];
        }
        if (isEnded(task)) return [{ environmentId, host, ...where, reason: `its task is ${describeTask(task)}` }];
        return [];
      });
    },

    async reapOrphans() {
      const services = await listServices();
      const liveServices = new Set(services.map((service) => service.ID));
      const liveEnvironments = new Set(services.map((service) => service.Spec.Labels?.[LABEL.environment]));
      const nodes = ((await callEngine(() => manager.listNodes())) as SwarmNode[]).filter(
        (node) => node.Status.State === "ready",
      );
      let removed = 0;
      await Promise.all(
        nodes.map(async (node) => {
          const docker = engines.of(node);
          const containers = await callEngine(() =>
            docker.listContainers({ all: true, filters: { label: [...scopeFilter, LABEL.environment] } }),
          );
          for (const container of containers) {
            const serviceId = container.Labels["com.docker.swarm.service.id"];
            if (serviceId !== undefined && liveServices.has(serviceId)) continue;
            await callEngine(() => docker.getContainer(container.Id).remove({ force: true })).catch((error) => {
              if (engineStatusOf(error) !== 404) throw error;
            });
            removed += 1;
            logger.info(
              { node: node.Description?.Hostname, container: container.Id },
              "removed an orphaned host container",
            );
          }
        }),
      );
      const networks = await callEngine(() =>
        manager.listNetworks({ filters: { label: [...scopeFilter, LABEL.environment] } }),
      );
      for (const network of networks) {
        if (liveEnvironments.has(network.Labels?.[LABEL.environment])) continue;
        // Its services may still be on their way (a create in progress, here or on another web replica).
        if (Date.now() - Date.parse(network.Created ?? "") < NEW_NETWORK_GRACE_MS) continue;
        try {
          await callEngine(() => manager.getNetwork(network.Id).remove());
          removed += 1;
        } catch (error) {
          // Still referenced by a task of a node that has not reported back: the next sweep gets it.
          logger.info({ network: network.Name, err: error }, "an orphaned network is still in use");
        }
      }
      return removed;
    },

    async reapExpired(now = new Date()) {
      const services = await listServices();
      const expired = new Set(
        services
          .filter((service) => Date.parse(service.Spec.Labels?.[LABEL.expiresAt] ?? "") <= now.getTime())
          .map((service) => service.Spec.Labels?.[LABEL.environment] ?? ""),
      );
      await Promise.all([...expired].map((id) => remove(id)));
      return [...expired];
    },
  };
}

/** Polls the manager until every host's task runs; a task that fails or is rejected ends the wait. */
async function waitUntilRunning(
  manager: Dockerode,
  environmentId: string,
  serviceIdByHost: Map<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const waiting = new Map(serviceIdByHost);
  /** Since when each host's task has been pending because no node has room for it. */
  const noRoomSince = new Map<string, number>();
  for (;;) {
    signal?.throwIfAborted();
    const tasks = (await callEngine(() =>
      manager.listTasks({ filters: { service: [...waiting.values()] } }),
    )) as SwarmTask[];
    for (const [host, serviceId] of [...waiting]) {
      const task = newestTask(tasks.filter((candidate) => candidate.ServiceID === serviceId));
      if (task?.Status.State === "running") waiting.delete(host);
      else if (task && isEnded(task)) throw new HostStartFailedError(environmentId, host, describeTask(task));
      else if (task?.Status.State === "pending" && /no suitable node/i.test(task.Status.Err ?? "")) {
        // Swarm keeps such a task pending until a node frees room: a learner should not wait minutes for it.
        const since = noRoomSince.get(host) ?? Date.now();
        noRoomSince.set(host, since);
        if (Date.now() - since > NO_ROOM_GRACE_MS) {
          throw new HostStartFailedError(environmentId, host, `no node has room for it (${task.Status.Err})`);
        }
      } else noRoomSince.delete(host);
    }
    if (waiting.size === 0) return;
    if (Date.now() > deadline) {
      throw new HostStartFailedError(
        environmentId,
        [...waiting.keys()].join(", "),
        `not running after ${timeoutMs} ms`,
      );
    }
    await sleep(POLL_MS, undefined, { signal });
  }
}

/** Removes a network once its tasks have left it; false when it is still in use after a few seconds. */
async function removeNetwork(manager: Dockerode, name: string): Promise<boolean> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await callEngine(() => manager.getNetwork(name).remove());
      return true;
    } catch (error) {
      if (engineStatusOf(error) === 404) return true;
      // The manager answers 400 "network ... is in use by task ..." until the tasks have left it.
      if (!/in use|active endpoints/i.test(engineMessageOf(error))) throw error;
      if (attempt >= NETWORK_REMOVE_ATTEMPTS) return false;
      await sleep(NETWORK_REMOVE_POLL_MS);
    }
  }
}
