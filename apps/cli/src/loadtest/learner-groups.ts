// Where the simulated learners run: in the main thread for a few, spread over worker threads for many, so
// that one busy event loop does not delay the echoes it times. Both look the same to the runner: learners
// arrive by index, record into the current step's measures, and all leave (their runs stopped) at the end.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { LearnerCrowd, STOP_CONCURRENCY, type StateCounts } from "./learner-crowd";
import { type MeasuresData, mergeMeasures, type StepMeasures } from "./load-measures";
import { addStopError, mergeStopErrors, noStopErrors, type StopErrors } from "./stop-errors";

/** Learners one thread runs before another is added (at 200 learners one thread's event loop fell 33-101 ms late). */
export const LEARNERS_PER_THREAD = 50;
/** Most worker threads a load test starts. */
export const MAX_THREADS = 16;
/** How long the worker threads get to stop their learners' runs before they are ended (their runs then count as left). */
const LEAVE_TIMEOUT_MS = 180_000;

export interface LearnerGroup {
  /** Learner `index` (of the whole test) arrives. */
  arrive(index: number): void;
  /** The learners' states now (the latest each thread reported). */
  states(): StateCounts;
  /** Brings everything recorded so far into the measures; the event-loop delay p99 of the learners' threads since the last flush. */
  flush(): Promise<{ lagP99Ms: number }>;
  /** Every learner leaves and its run is stopped; resolves with the runs left running and the stops that failed. */
  leave(): Promise<{ runsLeft: number; stopErrors: StopErrors }>;
}

export interface GroupOptions {
  origin: string;
  scenarioId: string;
  /** The current step's measures. */
  measures: () => StepMeasures;
  warn: (line: string) => void;
}

/** Learner threads for `learners` at most: 0 (this thread) up to LEARNERS_PER_THREAD, then one per that many, at most one per core. */
export function threadsFor(learners: number, cores: number): number {
  if (learners <= LEARNERS_PER_THREAD) return 0;
  return Math.min(MAX_THREADS, Math.max(1, cores), Math.ceil(learners / LEARNERS_PER_THREAD));
}

/** `threads` 0: the learners run in this thread; otherwise they are dealt to that many worker threads in turn. */
export function createLearnerGroup(options: GroupOptions, threads: number): LearnerGroup {
  return threads === 0 ? new LocalGroup(options) : new WorkerGroup(options, threads);
}

class LocalGroup implements LearnerGroup {
  readonly #crowd: LearnerCrowd;
  readonly #lag = monitorEventLoopDelay({ resolution: 10 });

  constructor(options: GroupOptions) {
    this.#crowd = new LearnerCrowd(options);
    this.#lag.enable();
  }

  arrive(index: number): void {
    this.#crowd.arrive(index);
  }

  states(): StateCounts {
    return this.#crowd.states();
  }

  async flush(): Promise<{ lagP99Ms: number }> {
    const lagP99Ms = this.#lag.percentile(99) / 1e6;
    this.#lag.reset();
    return { lagP99Ms };
  }

  async leave(): Promise<{ runsLeft: number; stopErrors: StopErrors }> {
    this.#lag.disable();
    return this.#crowd.leave();
  }
}

export interface WorkerData {
  origin: string;
  scenarioId: string;
  /** Its share of STOP_CONCURRENCY. */
  stopConcurrency: number;
}

export type ToWorker = { type: "arrive"; index: number } | { type: "flush" } | { type: "leave" };

export type FromWorker =
  | { type: "progress"; states: StateCounts; data: MeasuresData }
  | { type: "flushed"; states: StateCounts; data: MeasuresData; lagP99Ms: number }
  | { type: "left"; states: StateCounts; data: MeasuresData; runsLeft: number; stopErrors: StopErrors }
  | { type: "warn"; line: string };

const WORKER_ENTRY = new URL("../../bin/loadtest-worker.mjs", import.meta.url);

interface Thread {
  worker: Worker;
  /** Learners dealt to it (all count as left if it dies). */
  learners: number;
  states: StateCounts;
  /** The answer it owes ("flushed" or "left"), if one is awaited. */
  awaiting?: (message: FromWorker | undefined) => void;
  exited: boolean;
}

class WorkerGroup implements LearnerGroup {
  readonly #options: GroupOptions;
  readonly #threads: Thread[];
  #dealt = 0;

  constructor(options: GroupOptions, count: number) {
    this.#options = options;
    const data: WorkerData = {
      origin: options.origin,
      scenarioId: options.scenarioId,
      stopConcurrency: Math.max(1, Math.floor(STOP_CONCURRENCY / count)),
    };
    this.#threads = Array.from({ length: count }, () => {
      const thread: Thread = {
        worker: new Worker(WORKER_ENTRY, { workerData: data }),
        learners: 0,
        states: { visiting: 0, starting: 0, active: 0, failed: 0, left: 0 },
        exited: false,
      };
      thread.worker.on("message", (message: FromWorker) => this.#receive(thread, message));
      thread.worker.on("error", (error) => options.warn(`a load-test worker thread failed: ${error.message}`));
      thread.worker.on("exit", () => {
        thread.exited = true;
        thread.awaiting?.(undefined);
      });
      return thread;
    });
  }

  arrive(index: number): void {
    const thread = this.#threads[this.#dealt++ % this.#threads.length]!;
    thread.learners++;
    thread.worker.postMessage({ type: "arrive", index } satisfies ToWorker);
  }

  states(): StateCounts {
    const total: StateCounts = { visiting: 0, starting: 0, active: 0, failed: 0, left: 0 };
    for (const thread of this.#threads) {
      for (const state of Object.keys(total) as (keyof StateCounts)[]) total[state] += thread.states[state];
    }
    return total;
  }

  async flush(): Promise<{ lagP99Ms: number }> {
    const answers = await Promise.all(this.#threads.map((thread) => this.#ask(thread, { type: "flush" }, 30_000)));
    const lags = answers.flatMap((answer) => (answer?.type === "flushed" ? [answer.lagP99Ms] : []));
    return { lagP99Ms: lags.length > 0 ? Math.max(...lags) : Number.NaN };
  }

  async leave(): Promise<{ runsLeft: number; stopErrors: StopErrors }> {
    const answers = await Promise.all(
      this.#threads.map((thread) => this.#ask(thread, { type: "leave" }, LEAVE_TIMEOUT_MS)),
    );
    let runsLeft = 0;
    const stopErrors = noStopErrors();
    for (const [index, thread] of this.#threads.entries()) {
      const answer = answers[index];
      if (answer?.type === "left") {
        runsLeft += answer.runsLeft;
        mergeStopErrors(stopErrors, answer.stopErrors);
      } else {
        // A thread that died or did not answer in time: its learners' runs may still run.
        runsLeft += thread.learners;
        addStopError(
          stopErrors,
          "worker_lost",
          `a load-test worker thread did not stop its ${thread.learners} learners' runs within ${LEAVE_TIMEOUT_MS / 1000} s`,
          thread.learners,
        );
      }
      await thread.worker.terminate();
    }
    return { runsLeft, stopErrors };
  }

  #ask(thread: Thread, message: ToWorker, timeoutMs: number): Promise<FromWorker | undefined> {
    if (thread.exited) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => answer(undefined), timeoutMs);
      const answer = (reply: FromWorker | undefined) => {
        clearTimeout(timer);
        thread.awaiting = undefined;
        resolve(reply);
      };
      thread.awaiting = answer;
      thread.worker.postMessage(message);
    });
  }

  #receive(thread: Thread, message: FromWorker): void {
    if (message.type === "warn") {
      this.#options.warn(message.line);
      return;
    }
    thread.states = message.states;
    mergeMeasures(this.#options.measures(), message.data);
    if (message.type !== "progress") thread.awaiting?.(message);
  }
}
