// The sandbox spec of a scenario: its hosts (image, limits, capabilities, env) and a private network
// when it has several hosts or asks for one. Also what a warm pool for the scenario is made with.
import type { EnvironmentSpecInput } from "@circus/sandbox";
import type { Scenario } from "@circus/scenario";

export interface EnvironmentSpecOptions {
  /** Lifetime of the environment in seconds. */
  ttlSeconds: number;
  /** Destroyed after this many seconds without activity. */
  idleTimeoutSeconds: number;
  /** Who the environment is for (a run or learner id); becomes the `circus.owner` label. */
  owner?: string;
  /** Extra labels on its containers and network. Default none besides `circus.scenario`. */
  labels?: Record<string, string>;
}

/** The label naming the scenario an environment runs. */
export const SCENARIO_LABEL = "circus.scenario";

export function environmentSpecFor(scenario: Scenario, options: EnvironmentSpecOptions): EnvironmentSpecInput {
  return {
    hosts: scenario.hosts.map((host) => ({
      name: host.name,
      image: host.image,
      cpus: host.cpus,
      memoryMiB: host.memoryMiB,
      pids: host.pids,
      diskMiB: host.diskMiB,
      capabilities: [...host.capabilities],
      env: { ...host.env },
      docker: host.docker === true,
    })),
    network: scenario.network || scenario.hosts.length > 1,
    ttlSeconds: options.ttlSeconds,
    idleTimeoutSeconds: options.idleTimeoutSeconds,
    ...(options.owner === undefined ? {} : { owner: options.owner }),
    labels: { [SCENARIO_LABEL]: scenario.id, ...options.labels },
  };
}
