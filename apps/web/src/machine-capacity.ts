// The capacity defaults derived from the machine (cores, memory), from what `circus loadtest` measured per
// active learner on the reference machine (README "Sizing"): used by config.ts when the variables are unset.

/**
 * Active learners one core holds within the service levels. Measured on circus-basics with learners typing
 * all the time (the load test's worst case): ~4 ms of server CPU and ~5 ms of engine + sandbox CPU per
 * learner-second, so 100 learners keep a core ~90% busy.
 */
export const LEARNERS_PER_CORE = 100;
/** Memory planned per active learner: server + engine + sandbox measured ~24 MiB; planned with 2.5× headroom. */
export const PLANNED_MIB_PER_LEARNER = 64;
/** Memory kept for the server, the database and the engine before any learner. */
const BASE_MIB = 2048;
/**
 * Sandbox CPU limits are ceilings idle shells rarely reach: the CPU budget gives out this many CPUs of
 * limits per core (above LEARNERS_PER_CORE, so warm pools and workshop reservations fit beside the learners).
 */
export const CPU_OVERCOMMIT = 125;
/**
 * Sandbox memory limits are ceilings too (a 512 MiB host uses ~15 MiB idle): the memory budget gives out
 * this many times the memory the machine can spare. Set CIRCUS_MEMORY_BUDGET_MIB to give out no more than it has.
 */
export const MEMORY_OVERCOMMIT = 8;

export interface Machine {
  cores: number;
  memoryMiB: number;
}

export interface CapacityDefaults {
  maxEnvironments: number;
  cpuBudget: number;
  memoryBudgetMiB: number;
}

export function capacityDefaults(machine: Machine): CapacityDefaults {
  const byCpu = machine.cores * LEARNERS_PER_CORE;
  const byMemory = Math.floor((machine.memoryMiB - BASE_MIB) / PLANNED_MIB_PER_LEARNER);
  // 80% of the memory less 1 GiB is what sandboxes may really use; limits are given out MEMORY_OVERCOMMIT times that.
  const spareMiB = Math.max(256, Math.floor(machine.memoryMiB * 0.8) - 1024);
  return {
    maxEnvironments: Math.min(1000, Math.max(20, Math.min(byCpu, byMemory))),
    cpuBudget: machine.cores * CPU_OVERCOMMIT,
    memoryBudgetMiB: Math.min(16 * 1024 * 1024, spareMiB * MEMORY_OVERCOMMIT),
  };
}
