// The simulated learners of one thread: they arrive one by one, record into the measures they are given,
// and all leave together (their runs stopped, a bounded number at once). Used by the main thread when it
// runs the learners itself, and by each worker thread when they are spread (learner-groups.ts).
import { setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { StepMeasures } from "./load-measures";
import { type LearnerState, SimulatedLearner } from "./simulated-learner";
import { addStopError, noStopErrors, type StopErrors } from "./stop-errors";

/** How long learners get to finish what they were doing before their runs are stopped. */
const LEAVE_GRACE_MS = 15_000;
/**
 * Runs stopped at once at the end, by all threads together (each crowd gets its share): 32 stops at once
 * (two threads of 16) wedged a Docker 20.10 engine in its force-removes; 16 from one process never did.
 */
export const STOP_CONCURRENCY = 16;

export type StateCounts = Record<LearnerState, number>;

export interface CrowdOptions {
  origin: string;
  scenarioId: string;
  /** Where learners record: the current step's measures. */
  measures: () => StepMeasures;
  warn: (line: string) => void;
  /** Runs this crowd stops at once when it leaves. Default STOP_CONCURRENCY. */
  stopConcurrency?: number;
}

export class LearnerCrowd {
  readonly #options: CrowdOptions;
  readonly #leave = new AbortController();
  readonly #learners: SimulatedLearner[] = [];
  readonly #attending: Promise<void>[] = [];

  constructor(options: CrowdOptions) {
    this.#options = options;
    // Every learner listens on it: not a leak.
    setMaxListeners(0, this.#leave.signal);
  }

  /** Learner `index` (of the whole test: it picks the learner's address) arrives and starts working. */
  arrive(index: number): void {
    if (this.#leave.signal.aborted) return;
    const learner = new SimulatedLearner({
      origin: this.#options.origin,
      scenarioId: this.#options.scenarioId,
      forwardedFor: learnerAddress(index),
      measures: this.#options.measures,
      signal: this.#leave.signal,
      warn: this.#options.warn,
    });
    this.#learners.push(learner);
    this.#attending.push(learner.attend());
  }

  states(): StateCounts {
    const counts: StateCounts = { visiting: 0, starting: 0, active: 0, failed: 0, left: 0 };
    for (const learner of this.#learners) counts[learner.state]++;
    return counts;
  }

  /**
   * Every learner stops, gets a grace period, then its run is stopped; resolves with the runs left running and
   * the stops that failed.
   */
  async leave(): Promise<{ runsLeft: number; stopErrors: StopErrors }> {
    const stopErrors = noStopErrors();
    this.#leave.abort();
    await Promise.race([Promise.allSettled(this.#attending), sleep(LEAVE_GRACE_MS)]);
    const queue = [...this.#learners];
    await Promise.all(
      Array.from({ length: this.#options.stopConcurrency ?? STOP_CONCURRENCY }, async () => {
        for (let learner = queue.shift(); learner; learner = queue.shift()) {
          const failed = await learner.leave();
          if (failed) addStopError(stopErrors, failed.kind, failed.message);
        }
      }),
    );
    return { runsLeft: this.#learners.filter((learner) => learner.runId !== undefined).length, stopErrors };
  }
}

/**
 * The simulated client address of learner `index`: 198.18.0.0/15, the block set aside for benchmarks
 * (RFC 2544), so each learner counts as its own address where the server trusts this machine as a proxy.
 */
export function learnerAddress(index: number): string {
  return `198.${18 + Math.floor(index / 65_000)}.${Math.floor((index % 65_000) / 250)}.${(index % 250) + 1}`;
}
