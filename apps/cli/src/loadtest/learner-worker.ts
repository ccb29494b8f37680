// A load-test worker thread (started through bin/loadtest-worker.mjs): runs its share of the simulated
// learners, posts what they recorded every second, and on "leave" stops them and their runs, then says
// how many runs it could not stop and why. Messages are typed in learner-groups.ts.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { LearnerCrowd } from "./learner-crowd";
import type { FromWorker, ToWorker, WorkerData } from "./learner-groups";
import { measuresData, StepMeasures } from "./load-measures";

/** How often recorded samples go to the main thread. */
const REPORT_EVERY_MS = 1_000;

const port = parentPort;
if (!port) throw new Error("learner-worker.ts runs only as a worker thread (see learner-groups.ts)");
const { origin, scenarioId, stopConcurrency } = workerData as WorkerData;
let current = new StepMeasures(0);
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const post = (message: FromWorker) => port.postMessage(message);
const crowd = new LearnerCrowd({
  origin,
  scenarioId,
  stopConcurrency,
  measures: () => current,
  warn: (line) => post({ type: "warn", line }),
});

/** What was recorded since the last report; recording goes on into fresh measures. */
function takeRecorded() {
  const data = measuresData(current);
  current = new StepMeasures(0);
  return data;
}

const reporter = setInterval(
  () => post({ type: "progress", states: crowd.states(), data: takeRecorded() }),
  REPORT_EVERY_MS,
);

port.on("message", (message: ToWorker) => {
  if (message.type === "arrive") crowd.arrive(message.index);
  else if (message.type === "flush") {
    post({ type: "flushed", states: crowd.states(), data: takeRecorded(), lagP99Ms: lag.percentile(99) / 1e6 });
    lag.reset();
  } else if (message.type === "leave") {
    void crowd.leave().then(({ runsLeft, stopErrors }) => {
      clearInterval(reporter);
      lag.disable();
      post({ type: "left", states: crowd.states(), data: takeRecorded(), runsLeft, stopErrors });
    });
  }
});
