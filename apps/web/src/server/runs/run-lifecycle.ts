// A run's life after its start: viewing it, moving to the next step (gated by the step's checks),
// extending it (bounded), and stopping it (environment and terminals destroyed).
import type { Run } from "@circus/db";
import { checkpointCompletedStep, dropRunCheckpoints } from "../checkpoints/run-checkpoints";
import { savingAllowed } from "../checkpoints/saving-allowed";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import { hostStateViews } from "./host-state-views";
import { markExpired, requireOwnedRun, requireReadyLab } from "./run-access";
import { stepGatesPassed } from "./run-steps";
import { type RunView, toRunView } from "./run-view";

/** A run never lives longer than this from its start, however often it is extended. */
export const MAX_RUN_LIFETIME_SECONDS = 4 * 3600;

export async function viewRun(context: ServerContext, learnerId: string, runId: string): Promise<RunView> {
  const owned = await requireOwnedRun(context, learnerId, runId);
  const { scenario } = owned;
  let { run } = owned;
  if (run.status === "ready" && !(await context.labs.labOf(run))) {
    await markExpired(context, run, "the environment is gone");
    run = (await context.db.getRun(run.id)) ?? run;
  }
  const hostStates = run.status === "ready" ? hostStateViews(context, run.environmentId) : undefined;
  return toRunView(run, scenario, await context.db.listStepProgress(run.id), {
    hostStates,
    savingAllowed: await savingAllowed(context, run),
  });
}

export async function nextRunStep(context: ServerContext, learnerId: string, runId: string): Promise<RunView> {
  const { run, scenario } = await requireReadyLab(context, learnerId, runId);
  const { db } = context;
  const index = run.currentStep;
  const step = scenario.steps[index];
  if (step && (step.verify || step.quizzes.length > 0)) {
    if (!stepGatesPassed(step, await db.listCheckAttempts(run.id, index))) {
      throw new AppError("check_required", "Pass this step's check first.");
    }
  }
  if (step) await db.completeStep(run.id, index);
  const nextIndex = Math.min(index + 1, scenario.steps.length);
  let updated: Run;
  if (nextIndex >= scenario.steps.length) {
    updated = await db.updateRun(run.id, {
      currentStep: scenario.steps.length,
      status: "finished",
      finishedAt: new Date(),
    });
    await db.recordEvent({ type: "run.finished", runId: run.id, learnerId, data: { scenario: scenario.id } });
    await releaseEnvironment(context, run);
  } else {
    // A gated step was checkpointed when its gates passed; an ungated one is, as the learner leaves it.
    if (step && !step.verify && step.quizzes.length === 0) checkpointCompletedStep(context, run, index);
    updated = await db.updateRun(run.id, { currentStep: nextIndex });
    context.recordings.mark(run.id, stepMarker(nextIndex, scenario.steps[nextIndex]?.title));
    await db.recordEvent({ type: "step.advanced", runId: run.id, learnerId, data: { step: nextIndex } });
  }
  return toRunView(updated, scenario, await db.listStepProgress(run.id), {
    savingAllowed: await savingAllowed(context, updated),
  });
}

/** The recording marker of a step change. */
export function stepMarker(index: number, title: string | undefined): string {
  return `Step ${index + 1}${title ? `: ${title}` : ""}`;
}

export async function extendRun(context: ServerContext, learnerId: string, runId: string): Promise<RunView> {
  const { run, lab, scenario } = await requireReadyLab(context, learnerId, runId);
  const { runtime, config, db } = context;
  const environment = runtime.get(lab.environment.id);
  if (!environment) throw new AppError("environment_missing", "This lab's environment has expired.");
  const limit = run.startedAt.getTime() + MAX_RUN_LIFETIME_SECONDS * 1000;
  const target = Math.min(environment.expiresAt.getTime() + config.sandboxTtlSeconds * 1000, limit);
  const seconds = Math.floor((target - environment.expiresAt.getTime()) / 1000);
  if (seconds < 1) {
    throw new AppError(
      "extend_limit",
      `This lab has reached its longest lifetime of ${MAX_RUN_LIFETIME_SECONDS / 3600} hours and cannot be extended.`,
    );
  }
  const extended = runtime.extend(environment.id, seconds);
  const updated = await db.updateRun(run.id, { expiresAt: extended.expiresAt });
  await db.recordEvent({ type: "run.extended", runId: run.id, learnerId, data: { seconds } });
  return toRunView(updated, scenario, await db.listStepProgress(run.id), {
    savingAllowed: await savingAllowed(context, updated),
  });
}

export async function stopRun(context: ServerContext, learnerId: string, runId: string): Promise<RunView> {
  const { run, scenario } = await requireOwnedRun(context, learnerId, runId);
  const { db } = context;
  if (run.status !== "starting" && run.status !== "ready") {
    return toRunView(run, scenario, await db.listStepProgress(run.id), {
      savingAllowed: await savingAllowed(context, run),
    });
  }
  const updated = await db.updateRun(run.id, { status: "stopped", stage: null, finishedAt: new Date() });
  // A start in flight sees the new status (or the abort) and destroys what it made.
  await context.launches.abort(run.id);
  await releaseEnvironment(context, run);
  await db.recordEvent({ type: "run.stopped", runId: run.id, learnerId, data: {} });
  context.logger.info(
    { run: run.id, learner: learnerId, scenario: scenario.id, environment: run.environmentId },
    "run stopped",
  );
  return toRunView(updated, scenario, await db.listStepProgress(run.id), {
    savingAllowed: await savingAllowed(context, updated),
  });
}

/**
 * Closes the run's sockets and destroys its environment (which ends its terminals), then its recordings;
 * its checkpoints go too, unless the lab was saved.
 */
export async function releaseEnvironment(
  context: ServerContext,
  run: Run,
  options: { keepCheckpoints?: boolean } = {},
): Promise<void> {
  context.labs.forget(run.id);
  if (!run.environmentId) return;
  await context.environmentReleased.notify(run.environmentId);
  try {
    await context.runtime.destroy(run.environmentId);
  } finally {
    await context.recordings.closeRun(run.id);
  }
  if (!options.keepCheckpoints) dropRunCheckpoints(context, run.id);
}
