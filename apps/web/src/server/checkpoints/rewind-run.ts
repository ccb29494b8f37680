// "Rewind to the start of step N": the hosts are recreated from the checkpoint taken when step N-1 was
// completed (or the latest one before it, or the scenario's images), the setups from there to step N run
// again, the run goes back to step N and its terminals are closed so the player reconnects them.
import type { Run } from "@circus/db";
import { type Lab, prepareRestartedHost, rerunStepSetups } from "@circus/lab";
import { CHECKPOINT_KEEPS, CHECKPOINT_LOSES, checkpointImages, restoreHosts } from "@circus/sandbox";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import { hostStateViews } from "../runs/host-state-views";
import { requireReadyLab } from "../runs/run-access";
import { stepMarker } from "../runs/run-lifecycle";
import { type RunView, toRunView } from "../runs/run-view";
import { exclusivelyOnRun } from "./exclusive-run-operation";
import { savingAllowed } from "./saving-allowed";

export interface RewindOutcome {
  run: RunView;
  /** What the learner is told: where the files come from, what was kept and what was not. */
  rewound: { step: number; from: "checkpoint" | "start"; keeps: string; loses: string; failedSetups: number[] };
}

export async function rewindRun(
  context: ServerContext,
  learnerId: string,
  runId: string,
  step: number,
): Promise<RewindOutcome> {
  const { run, lab, scenario } = await requireReadyLab(context, learnerId, runId);
  if (context.config.checkpointsPerRun === 0) {
    throw new AppError("rewind_disabled", "Rewinding is turned off on this server.");
  }
  if (step >= scenario.steps.length || step > run.currentStep) {
    throw new AppError(
      "step_not_current",
      `You can rewind only to a step you have reached (1 to ${run.currentStep + 1}).`,
    );
  }
  return exclusivelyOnRun(run.id, () => rewindHosts(context, run, lab, step));
}

async function rewindHosts(context: ServerContext, run: Run, lab: Lab, step: number): Promise<RewindOutcome> {
  const { db, runtime, checkpoints } = context;
  const environmentId = lab.environment.id;
  const scenario = lab.scenario;
  // A checkpoint still being taken (the check just passed) is one this rewind may need.
  await checkpoints.settled(run.id);
  const checkpoint = await checkpoints.latestBefore(run.id, step);
  const images = checkpoint
    ? checkpointImages(checkpoint)
    : Object.fromEntries(scenario.hosts.map((host) => [host.name, host.image]));
  context.logger.info(
    { run: run.id, learner: run.learnerId, step, from: checkpoint ? `checkpoint ${checkpoint.step}` : "start" },
    "rewinding a run",
  );

  // Restarting a host ends its shells (their sockets close, so the player reconnects to the new ones).
  await restoreHosts(runtime, environmentId, images);
  context.labs.forget(run.id);
  const restored = await context.labs.labOf(run);
  if (!restored) throw new AppError("environment_missing", "This lab's environment has expired. Start it again.");

  const failedSetups: number[] = [];
  if (checkpoint) {
    const steps = Array.from({ length: step - checkpoint.step }, (_, offset) => checkpoint.step + 1 + offset);
    for (const { step: index, result } of await rerunStepSetups(restored, steps)) {
      if (result.exitCode !== 0) failedSetups.push(index);
    }
  } else {
    const steps = Array.from({ length: step + 1 }, (_, index) => index);
    for (const host of scenario.hosts) {
      const prepared = await prepareRestartedHost(restored, host.name, { stepsShown: steps });
      for (const setup of prepared.setups) {
        if (setup.result.exitCode !== 0 && typeof setup.step === "number") failedSetups.push(setup.step);
      }
    }
  }
  // Checkpoints of the steps being redone belong to the future the learner left.
  await checkpoints.remove(run.id, { kind: "step", fromStep: step });

  const updated = await db.updateRun(run.id, { currentStep: step });
  context.recordings.mark(run.id, `Rewound to the start of ${stepMarker(step, scenario.steps[step]?.title)}`);
  await db.recordEvent({
    type: "run.rewound",
    runId: run.id,
    learnerId: run.learnerId,
    data: { step, from: checkpoint ? checkpoint.step : "start", failedSetups },
  });
  return {
    run: toRunView(updated, scenario, await db.listStepProgress(run.id), {
      hostStates: hostStateViews(context, environmentId),
      savingAllowed: await savingAllowed(context, updated),
    }),
    rewound: {
      step,
      from: checkpoint ? "checkpoint" : "start",
      keeps: CHECKPOINT_KEEPS,
      loses: CHECKPOINT_LOSES,
      failedSetups,
    },
  };
}
