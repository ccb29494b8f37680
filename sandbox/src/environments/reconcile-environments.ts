// Start-up reconciliation: rebuild live, unexpired environments from the labels of their containers
// and remove what cannot be adopted (expired, a host missing or stopped, networks left alone). When other
// runtimes share the engine (web replicas), only expired ones are removed (by their shared lease): an
// incomplete one may be another runtime's create in progress, a stopped host another's to restart.
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import type { TerminalPipes } from "../terminals/terminal-pipes";
import { callEngine } from "./engine-failures";
import { type Environment, needsNetwork } from "./environment";
import type { EnvironmentLeases } from "./environment-leases";
import { environmentFromLabels, LABEL, labelFilters } from "./labels";
import { removeEnvironmentResources } from "./remove-environment";

export interface ReconcileInput {
  docker: Dockerode;
  /** Only resources carrying all these labels are this runtime's to adopt or remove. */
  scopeLabels: Record<string, string>;
  /** Environments this runtime already holds or is creating: left alone. */
  isOwned: (environmentId: string) => boolean;
  logger: Logger;
  now?: Date;
  /** Other runtimes share the engine: remove only what is expired (by `leases` when given), adopt the rest that can be. */
  shared?: { leases?: EnvironmentLeases };
  /** Look at this one environment only (adoption on a miss). */
  environmentId?: string;
  /** The runtime's terminal pipes: a removed environment's folder goes too. */
  terminalPipes?: TerminalPipes | undefined;
}

export interface ReconcileOutcome {
  adopted: Environment[];
  /** Ids of environments whose leftovers were removed. */
  removed: string[];
  /** Ids of every environment of the scope with a container or network on the engine now. */
  present: Set<string>;
}

export async function reconcileEnvironments(input: ReconcileInput): Promise<ReconcileOutcome> {
  const { docker, logger } = input;
  const now = input.now ?? new Date();
  const filters = {
    label: [
      input.environmentId ? `${LABEL.environment}=${input.environmentId}` : LABEL.environment,
      ...labelFilters(input.scopeLabels),
    ],
  };
  const [containers, networks] = await Promise.all([
    callEngine(() => docker.listContainers({ all: true, filters })),
    callEngine(() => docker.listNetworks({ filters })),
  ]);

  const present = new Set<string>();
  const containersByEnvironment = new Map<string, Dockerode.ContainerInfo[]>();
  for (const container of containers) {
    const id = container.Labels[LABEL.environment];
    if (id) present.add(id);
    if (!id || input.isOwned(id)) continue;
    containersByEnvironment.set(id, [...(containersByEnvironment.get(id) ?? []), container]);
  }
  const networkByEnvironment = new Map<string, string>();
  for (const network of networks) {
    const id = network.Labels?.[LABEL.environment];
    if (id) present.add(id);
    if (id && !input.isOwned(id)) networkByEnvironment.set(id, network.Id);
  }

  const outcome: ReconcileOutcome = { adopted: [], removed: [], present };
  const ids = new Set([...containersByEnvironment.keys(), ...networkByEnvironment.keys()]);
  const leases = input.shared?.leases && ids.size > 0 ? await input.shared.leases.read([...ids]) : new Map();
  for (const id of ids) {
    const members = containersByEnvironment.get(id) ?? [];
    const networkId = networkByEnvironment.get(id);
    const lease = leases.get(id);
    const environment = adoptable(id, members, networkId, now, lease?.expiresAt);
    if (typeof environment === "string" && input.shared && environment !== EXPIRED) {
      logger.debug({ environment: id, reason: environment }, "left to the runtime that holds it");
      continue;
    }
    if (typeof environment === "string") {
      logger.info({ environment: id, reason: environment }, "removing an environment that cannot be adopted");
      await removeEnvironmentResources(
        docker,
        id,
        { containerIds: members.map((container) => container.Id), ...(networkId ? { networkId } : {}) },
        input.terminalPipes,
      );
      outcome.removed.push(id);
    } else {
      logger.info({ environment: id, hosts: environment.hosts.length }, "adopted a running environment");
      outcome.adopted.push(environment);
    }
  }
  return outcome;
}

const EXPIRED = "expired";

/** The Environment to adopt, or the reason it cannot be adopted. `extendedTo`: its shared expiry, when extended. */
function adoptable(
  id: string,
  members: Dockerode.ContainerInfo[],
  networkId: string | undefined,
  now: Date,
  extendedTo?: Date,
): Environment | string {
  const first = members[0];
  if (!first) return "a network without containers";
  const labelled = environmentFromLabels(first.Labels);
  if (!labelled) return "unreadable labels";
  const expiresAt = extendedTo && extendedTo.getTime() > labelled.expiresAt.getTime() ? extendedTo : labelled.expiresAt;
  if (expiresAt.getTime() <= now.getTime()) return EXPIRED;
  if (needsNetwork(labelled.spec) && !networkId) return "its network is missing";
  const hosts: Environment["hosts"] = [];
  for (const host of labelled.spec.hosts) {
    const container = members.find((member) => member.Labels[LABEL.host] === host.name);
    if (!container) return `host ${host.name} is missing`;
    if (container.State !== "running") return `host ${host.name} is ${container.State}`;
    hosts.push({ name: host.name, containerId: container.Id });
  }
  if (members.length !== hosts.length) return "containers that belong to no host";
  return {
    id,
    spec: labelled.spec,
    hosts,
    ...(networkId ? { networkId } : {}),
    createdAt: labelled.createdAt,
    expiresAt,
    // Activity is unknown after a restart: count it from now so the idle timeout gives a full grace.
    lastActivityAt: now,
    ...(labelled.spec.owner === undefined ? {} : { owner: labelled.spec.owner }),
  };
}

export interface ForgetRemovedInput {
  /** Ids held before the scope was listed: only these can be known gone from the listing's answer. */
  heldBefore: ReadonlySet<string>;
  /** Ids the listing found. */
  present: ReadonlySet<string>;
  /** Creates in progress here (not listed yet): kept. */
  isCreating?: (environmentId: string) => boolean;
  logger: Logger;
}

/**
 * After a re-sync of runtimes that share a scope (web replicas): forgets what another runtime removed, ending
 * its terminal sessions. One adopted on demand (or created here) while the scope was listed is not in a listing
 * that began before it existed, so it is kept: forgetting it would end every handle and terminal made from it.
 * Used by the single-engine and the Swarm runtime alike.
 */
export async function forgetRemovedEnvironments(
  records: Map<string, { terminals: { end(): Promise<void> }; commandHelpers: { end(): void } }>,
  { heldBefore, present, isCreating = () => false, logger }: ForgetRemovedInput,
): Promise<void> {
  for (const [id, record] of [...records]) {
    if (!heldBefore.has(id) || present.has(id) || isCreating(id)) continue;
    records.delete(id);
    record.commandHelpers.end();
    await record.terminals.end();
    logger.info({ environment: id }, "environment removed by another runtime: forgotten");
  }
}
