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

/**
 * Environment creates the engine runs at once per core. A create is mostly the engine's own work (dockerd,
 * containerd, runc: ~150 ms of CPU on an idle machine); two per core keep the cores busy without a queue inside
 * the engine. Warm-pool refills hold at most half of them, and a learner's create always goes first.
 */
export const CREATES_PER_CORE = 2;
/**
 * The share of the learners a machine holds that may arrive at one scenario in one burst (a class pressing
 * Start together) and still find a warm environment: each scenario's pool grows by one per claim towards
 * this many, refilled in the background, and shrinks back to CIRCUS_WARM_POOL_SIZE when the arrivals stop.
 */
export const BURST_SHARE = 0.05;

export interface CapacityDefaults {
  maxEnvironments: number;
  cpuBudget: number;
  memoryBudgetMiB: number;
  /** Environment creates running at once (CIRCUS_SANDBOX_MAX_CONCURRENT_CREATES). */
  maxConcurrentCreates: number;
  /** How large a scenario's warm pool may grow while learners arrive (CIRCUS_WARM_POOL_MAX). */
  warmPoolMax: number;
  /** Terminal sockets and run event streams open at once (CIRCUS_TERMINAL_SOCKETS_MAX, CIRCUS_EVENT_STREAMS_MAX). */
  terminalSocketsMax: number;
  eventStreamsMax: number;
}

export function capacityDefaults(machine: Machine): CapacityDefaults {
  const byCpu = machine.cores * LEARNERS_PER_CORE;
  const byMemory = Math.floor((machine.memoryMiB - BASE_MIB) / PLANNED_MIB_PER_LEARNER);
  // 80% of the memory less 1 GiB is what sandboxes may really use; limits are given out MEMORY_OVERCOMMIT times that.
  const spareMiB = Math.max(256, Math.floor(machine.memoryMiB * 0.8) - 1024);
  const maxEnvironments = Math.min(1000, Math.max(20, Math.min(byCpu, byMemory)));
  return {
    maxEnvironments,
    cpuBudget: machine.cores * CPU_OVERCOMMIT,
    memoryBudgetMiB: Math.min(16 * 1024 * 1024, spareMiB * MEMORY_OVERCOMMIT),
    maxConcurrentCreates: Math.min(16, Math.max(2, Math.round(machine.cores * CREATES_PER_CORE))),
    ...environmentDefaults(maxEnvironments),
  };
}

/** The defaults that follow from how many environments the deployment holds (set or derived). */
export function environmentDefaults(
  maxEnvironments: number,
): Pick<CapacityDefaults, "warmPoolMax" | "terminalSocketsMax" | "eventStreamsMax"> {
  return {
    warmPoolMax: Math.min(20, Math.max(2, Math.ceil(maxEnvironments * BURST_SHARE))),
    // A learner holds one event stream and one terminal socket per host; several tabs and hosts fit.
    terminalSocketsMax: Math.max(2000, maxEnvironments * 8),
    eventStreamsMax: Math.max(1000, maxEnvironments * 4),
  };
}
