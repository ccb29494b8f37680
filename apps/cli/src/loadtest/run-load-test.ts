// Drives a running Circus with simulated learners, one ramp step after another: new learners arrive
// spread over the first third of a step and stay; each step is measured on its own. At the end (or on
// abort) every learner leaves and every run the test started is stopped.
import { setMaxListeners } from "node:events";
import { loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { StepMeasures } from "./load-measures";
import { adviceFor, type LoadReport, learnersHeld, reportStep, type StepReport } from "./load-report";
import { ResourceSampler } from "./resource-sampler";
import { SimulatedLearner } from "./simulated-learner";

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
  /** Ctrl-C: stops arrivals, then every learner leaves and its run is stopped. */
  signal: AbortSignal;
  /** A live line about the current step; `done` when the step ended. */
  progress(line: string, done: boolean): void;
  warn(line: string): void;
}

/** Seconds between progress lines. */
const PROGRESS_EVERY_MS = 2_000;
/** How long learners get to finish what they were doing before their runs are stopped. */
const LEAVE_GRACE_MS = 15_000;
/** Runs stopped at once at the end. */
const STOP_CONCURRENCY = 16;

/**
 * The simulated client address of learner `index`: 198.18.0.0/15, the block set aside for benchmarks
 * (RFC 2544), so each learner counts as its own address where the server trusts this machine as a proxy.
 */
export function learnerAddress(index: number): string {
  return `198.${18 + Math.floor(index / 65_000)}.${Math.floor((index % 65_000) / 250)}.${(index % 250) + 1}`;
}

export async function runLoadTest(options: LoadTestOptions): Promise<LoadReport> {
  const leave = new AbortController();
  // Every learner listens on it (up to --learners): not a leak.
  setMaxListeners(0, leave.signal);
  const onAbort = () => leave.abort();
  options.signal.addEventListener("abort", onAbort, { once: true });
  const sampler = new ResourceSampler(
    {
      origin: options.origin,
      engine: options.measureEngine,
      sandboxScope: options.sandboxScope,
      ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
    },
    options.warn,
  );
  const learners: SimulatedLearner[] = [];
  const attending: Promise<void>[] = [];
  const steps: StepReport[] = [];
  let current = new StepMeasures(0);
  try {
    for (const [stepIndex, target] of options.steps.entries()) {
      if (options.signal.aborted) break;
      current = new StepMeasures(target);
      const before = await sampler.sample();
      const generator = watchGenerator();
      const startedAt = Date.now();
      const endsAt = startedAt + options.stepMs;
      const arrivals = Math.max(0, target - learners.length);
      const arrivalWindowMs = options.stepMs / 3;
      const label = `step ${stepIndex + 1}/${options.steps.length}`;
      let nextProgress = startedAt;
      for (let arrived = 0; arrived < arrivals || Date.now() < endsAt; ) {
        if (options.signal.aborted) break;
        const now = Date.now();
        if (arrived < arrivals && now >= startedAt + (arrived * arrivalWindowMs) / arrivals) {
          const learner = new SimulatedLearner({
            origin: options.origin,
            scenarioId: options.scenarioId,
            forwardedFor: learnerAddress(learners.length),
            measures: () => current,
            signal: leave.signal,
            warn: options.warn,
          });
          learners.push(learner);
          attending.push(learner.attend());
          arrived++;
          continue;
        }
        if (now >= nextProgress) {
          options.progress(progressLine(label, current, learners, now - startedAt, options.stepMs), false);
          nextProgress = now + PROGRESS_EVERY_MS;
        }
        const nextArrival = arrived < arrivals ? startedAt + (arrived * arrivalWindowMs) / arrivals : endsAt;
        await sleep(Math.max(1, Math.min(nextArrival, nextProgress, endsAt) - Date.now()), undefined, {
          signal: options.signal,
        }).catch(() => undefined);
      }
      const seconds = (Date.now() - startedAt) / 1000;
      options.progress(progressLine(label, current, learners, Date.now() - startedAt, options.stepMs), true);
      steps.push(reportStep(current, seconds, before, await sampler.sample(), generator.stop()));
    }
  } finally {
    leave.abort();
    options.signal.removeEventListener("abort", onAbort);
    await Promise.race([Promise.allSettled(attending), sleep(LEAVE_GRACE_MS)]);
    await stopAll(learners);
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
    runsLeft: learners.filter((learner) => learner.runId !== undefined).length,
    interrupted: options.signal.aborted,
  };
}

/** The load generator's own CPU and event-loop delay from now until `stop`: how much it may distort its timings. */
function watchGenerator(): { stop(): { cpuSeconds: number; lagP99Ms: number; loadAverage: number } } {
  const cpu = process.cpuUsage();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  return {
    stop() {
      lag.disable();
      const used = process.cpuUsage(cpu);
      return {
        cpuSeconds: (used.user + used.system) / 1e6,
        lagP99Ms: lag.percentile(99) / 1e6,
        loadAverage: loadavg()[0] ?? 0,
      };
    },
  };
}

async function stopAll(learners: readonly SimulatedLearner[]): Promise<void> {
  const queue = [...learners];
  await Promise.all(
    Array.from({ length: STOP_CONCURRENCY }, async () => {
      for (let learner = queue.shift(); learner; learner = queue.shift()) await learner.leave();
    }),
  );
}

function progressLine(
  label: string,
  measures: StepMeasures,
  learners: readonly SimulatedLearner[],
  elapsedMs: number,
  stepMs: number,
): string {
  const count = (state: SimulatedLearner["state"]) => learners.filter((learner) => learner.state === state).length;
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
