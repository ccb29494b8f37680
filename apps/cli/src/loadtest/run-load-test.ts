// Drives a running Circus with simulated learners, one ramp step after another: new learners arrive
// spread over the first third of a step and stay; each step is measured on its own. At the end (or on
// abort) every learner leaves and every run the test started is stopped.
import { cpus, loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { StateCounts } from "./learner-crowd";
import { createLearnerGroup, threadsFor } from "./learner-groups";
import { StepMeasures } from "./load-measures";
import { adviceFor, type LoadReport, learnersHeld, reportStep, type SteadyMark, type StepReport } from "./load-report";
import { ResourceSampler } from "./resource-sampler";
import { noStopErrors, type StopErrors } from "./stop-errors";

export interface LoadTestOptions {
  /** http(s)://host:port of the deployment. */
  origin: string;
  /** Learners at each ramp step, increasing. */
  steps: readonly number[];
  scenarioId: string;
  /** How long each step lasts, its arrivals included. */
  stepMs: number;
  metricsToken?: string;
  /** The `circus.scope` of the deployment's sandboxes (for the engine's figures). */
  sandboxScope: string;
  /** Measure the engine's CPU and memory (the server runs on this machine). */
  measureEngine: boolean;
  /**
   * Worker threads the learners are spread over (0: this thread). Default: none up to 50 learners, then one
   * per 50, at most one per core (learner-groups.ts).
   */
  threads?: number;
  /** Ctrl-C: stops arrivals, then every learner leaves and its run is stopped. */
  signal: AbortSignal;
  /** A live line about the current step; `done` when the step ended. */
  progress(line: string, done: boolean): void;
  warn(line: string): void;
}

/** Seconds between progress lines. */
const PROGRESS_EVERY_MS = 2_000;

export async function runLoadTest(options: LoadTestOptions): Promise<LoadReport> {
  const sampler = new ResourceSampler(
    {
      origin: options.origin,
      engine: options.measureEngine,
      sandboxScope: options.sandboxScope,
      ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
    },
    options.warn,
  );
  const steps: StepReport[] = [];
  let current = new StepMeasures(0);
  const threads = options.threads ?? threadsFor(Math.max(0, ...options.steps), cpus().length);
  const group = createLearnerGroup(
    { origin: options.origin, scenarioId: options.scenarioId, measures: () => current, warn: options.warn },
    threads,
  );
  let arrivedInAll = 0;
  let cleanup: { runsLeft: number; stopErrors: StopErrors } = { runsLeft: 0, stopErrors: noStopErrors() };
  try {
    for (const [stepIndex, target] of options.steps.entries()) {
      if (options.signal.aborted) break;
      current = new StepMeasures(target);
      const before = await sampler.sample();
      const generator = watchGenerator();
      // The event-loop delay counts from here (and samples recorded before the step are not in it).
      await group.flush();
      const startedAt = Date.now();
      const endsAt = startedAt + options.stepMs;
      const arrivals = Math.max(0, target - arrivedInAll);
      const arrivalWindowMs = options.stepMs / 3;
      const label = `step ${stepIndex + 1}/${options.steps.length}`;
      let nextProgress = startedAt;
      let steadyMark: SteadyMark | undefined;
      for (let arrived = 0; arrived < arrivals || Date.now() < endsAt; ) {
        if (options.signal.aborted) break;
        if (arrived >= arrivals && !steadyMark && everyoneStarted(group.states())) {
          // The ramp's part ends: what follows costs only what active learners cost.
          const { lagP99Ms } = await group.flush();
          steadyMark = {
            at: await sampler.sample(),
            echoCount: current.echo.count,
            arrivalGeneratorLagP99Ms: lagP99Ms,
          };
        }
        const now = Date.now();
        if (arrived < arrivals && now >= startedAt + (arrived * arrivalWindowMs) / arrivals) {
          group.arrive(arrivedInAll++);
          arrived++;
          continue;
        }
        if (now >= nextProgress) {
          options.progress(progressLine(label, current, group.states(), now - startedAt, options.stepMs), false);
          nextProgress = now + PROGRESS_EVERY_MS;
        }
        const nextArrival = arrived < arrivals ? startedAt + (arrived * arrivalWindowMs) / arrivals : endsAt;
        await sleep(Math.max(1, Math.min(nextArrival, nextProgress, endsAt) - Date.now()), undefined, {
          signal: options.signal,
        }).catch(() => undefined);
      }
      const { lagP99Ms } = await group.flush();
      const seconds = (Date.now() - startedAt) / 1000;
      options.progress(progressLine(label, current, group.states(), Date.now() - startedAt, options.stepMs), true);
      steps.push(reportStep(current, seconds, before, await sampler.sample(), generator.stop(lagP99Ms), steadyMark));
    }
  } finally {
    cleanup = await group.leave();
  }
  const held = learnersHeld(steps);
  return {
    target: options.origin,
    scenario: options.scenarioId,
    steps,
    learnersHeld: held,
    advice: adviceFor(
      held,
      steps.find((step) => step.learners === held),
    ),
    runsLeft: cleanup.runsLeft,
    stopErrors: cleanup.stopErrors,
    threads,
    interrupted: options.signal.aborted,
  };
}

function everyoneStarted(states: StateCounts): boolean {
  return states.visiting + states.starting === 0;
}

/**
 * The load generator's CPU (every thread of this process) from now until `stop`, with the event-loop delay
 * of its learners' threads: how much it may distort its timings.
 */
function watchGenerator(): { stop(lagP99Ms: number): { cpuSeconds: number; lagP99Ms: number; loadAverage: number } } {
  const cpu = process.cpuUsage();
  return {
    stop(lagP99Ms) {
      const used = process.cpuUsage(cpu);
      return { cpuSeconds: (used.user + used.system) / 1e6, lagP99Ms, loadAverage: loadavg()[0] ?? 0 };
    },
  };
}

function progressLine(
  label: string,
  measures: StepMeasures,
  states: StateCounts,
  elapsedMs: number,
  stepMs: number,
): string {
  const count = (state: keyof StateCounts) => states[state];
  const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value * 10) / 10} ms` : "–");
  return [
    `${label} · ${measures.learners} learners: ${count("starting") + count("visiting")} starting, ${count("active")} active, ${count("failed")} failed`,
    `start p95 ${ms(measures.startToPrompt.p(95))}`,
    `echo p99 ${ms(measures.echo.p(99))} (${measures.echo.count})`,
    `Check p95 ${ms(measures.check.p(95))} (${measures.check.count})`,
    `errors ${measures.errorCount}`,
    `${Math.min(Math.round(elapsedMs / 1000), Math.round(stepMs / 1000))}/${Math.round(stepMs / 1000)} s`,
  ].join(" · ");
}
