// The checks every run route starts with: the run exists and is the learner's (else 404, never 403,
// so ids of other learners' runs reveal nothing), it is ready, and its environment still lives.
import type { Run } from "@circus/db";
import type { Lab } from "@circus/lab";
import { dropRunCheckpoints } from "../checkpoints/run-checkpoints";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import type { ScenarioWithDirectory } from "./scenario-lookup";

export function runNotFound(): AppError {
  return new AppError("run_not_found", "There is no such run. Start the scenario again from the catalog.");
}

/** The learner's run and its scenario, or 404. */
export async function requireOwnedRun(
  context: ServerContext,
  learnerId: string,
  runId: string,
): Promise<{ run: Run } & ScenarioWithDirectory> {
  const run = await context.labs.ownedRun(learnerId, runId);
  if (!run) throw runNotFound();
  const found = context.scenarios(run.scenarioId);
  if (!found) {
    throw new AppError("scenario_not_found", `The scenario ${run.scenarioId} is no longer offered on this server.`);
  }
  return { run, ...found };
}

/** The learner's ready run with its live lab; a run whose environment is gone is marked expired (410). */
export async function requireReadyLab(
  context: ServerContext,
  learnerId: string,
  runId: string,
): Promise<{ run: Run; lab: Lab } & ScenarioWithDirectory> {
  const owned = await requireOwnedRun(context, learnerId, runId);
  const { run } = owned;
  if (run.status === "starting") throw new AppError("run_not_ready", "The lab is still starting. Wait a moment.");
  if (run.status !== "ready") {
    throw new AppError("run_ended", `This run has ${run.status === "failed" ? "failed" : "ended"}: start a new one.`);
  }
  const lab = await context.labs.labOf(run);
  if (!lab) {
    await markExpired(context, run, "the environment is gone");
    throw new AppError("environment_missing", "This lab's environment has expired. Start the scenario again.");
  }
  return { ...owned, lab };
}

/** Marks a ready run whose environment is gone as expired (idempotent), with an event. */
export async function markExpired(context: ServerContext, run: Run, reason: string): Promise<void> {
  context.labs.forget(run.id);
  const current = await context.db.getRun(run.id);
  if (!current || (current.status !== "ready" && current.status !== "starting")) return;
  await context.db.updateRun(run.id, { status: "expired", finishedAt: new Date() });
  await context.recordings.closeRun(run.id);
  dropRunCheckpoints(context, run.id);
  if (run.environmentId) await context.environmentReleased.notify(run.environmentId);
  await context.db.recordEvent({
    type: "run.expired",
    runId: run.id,
    learnerId: run.learnerId,
    data: { reason, environment: run.environmentId },
  });
  context.logger.info(
    { run: run.id, learner: run.learnerId, scenario: run.scenarioId, environment: run.environmentId, reason },
    "run expired",
  );
}
