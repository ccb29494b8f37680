// What the machine has given out: the memory and CPU of every learner environment (starting or ready),
// every warm-pool and every workshop-reserved environment, counted against the machine budget
// (CIRCUS_MEMORY_BUDGET_MIB, CIRCUS_CPU_BUDGET), plus who holds them (per learner, per address group).
import type { Run } from "@circus/db";
import type { Scenario } from "@circus/scenario";
import type { ServerContext } from "../context";

/** The memory and CPU one environment of a scenario is given (the sum over its hosts). */
export interface Footprint {
  memoryMiB: number;
  cpus: number;
}

export interface CapacityUsage extends Footprint {
  /** Learner runs starting or ready (each holds an environment). */
  activeRuns: Run[];
}

export function footprintOf(scenario: Pick<Scenario, "hosts">): Footprint {
  return scenario.hosts.reduce(
    (sum, host) => ({ memoryMiB: sum.memoryMiB + host.memoryMiB, cpus: sum.cpus + host.cpus }),
    { memoryMiB: 0, cpus: 0 },
  );
}

/** The footprint of `count` environments of a scenario (none for a scenario no longer in the catalog). */
function footprintOfScenario(context: Pick<ServerContext, "scenarios">, scenarioId: string, count = 1): Footprint {
  const found = context.scenarios(scenarioId);
  if (!found || count <= 0) return { memoryMiB: 0, cpus: 0 };
  const one = footprintOf(found.scenario);
  return { memoryMiB: one.memoryMiB * count, cpus: one.cpus * count };
}

/**
 * Everything given out now: active learner runs, warm pools and workshop reservations (except the
 * reservation of `exceptWorkshopId`, which its caller is sizing).
 */
export async function capacityUsage(
  context: ServerContext,
  options: { exceptWorkshopId?: string } = {},
): Promise<CapacityUsage> {
  const activeRuns = await context.db.listRunsByStatus({ statuses: ["starting", "ready"], limit: 10_000 });
  const parts: Footprint[] = activeRuns.map((run) => footprintOfScenario(context, run.scenarioId));
  for (const [scenarioId, pool] of context.pools) {
    parts.push(footprintOfScenario(context, scenarioId, pool.stats().ready + pool.stats().creating));
  }
  for (const reserved of context.workshops.reservations.reserved()) {
    if (reserved.workshopId === options.exceptWorkshopId) continue;
    parts.push(footprintOfScenario(context, reserved.scenarioId, reserved.unclaimed));
  }
  return {
    activeRuns,
    memoryMiB: parts.reduce((sum, part) => sum + part.memoryMiB, 0),
    cpus: parts.reduce((sum, part) => sum + part.cpus, 0),
  };
}

/** How many more environments of `footprint` fit in the budget after `usage`. */
export function environmentsThatFit(
  config: Pick<ServerContext["config"], "memoryBudgetMiB" | "cpuBudget" | "maxEnvironments">,
  usage: CapacityUsage,
  footprint: Footprint,
): number {
  const byMemory =
    footprint.memoryMiB > 0 ? (config.memoryBudgetMiB - usage.memoryMiB) / footprint.memoryMiB : Infinity;
  const byCpu = footprint.cpus > 0 ? (config.cpuBudget - usage.cpus) / footprint.cpus : Infinity;
  const bySlots = config.maxEnvironments - usage.activeRuns.length;
  return Math.max(0, Math.floor(Math.min(byMemory, byCpu, bySlots)));
}
