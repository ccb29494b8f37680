// A run's step checkpoints: one taken in the background when a step is completed (never on the Check's
// path), removed when the run ends without being saved, and a reaper for images no run needs any more.
import type { Run } from "@circus/db";
import type { ServerContext } from "../context";

/** Run statuses whose checkpoints are still needed. */
const KEEPING_STATUSES = new Set(["starting", "ready", "saved"]);

/** Schedules the checkpoint of `stepIndex` just completed (a no-op when checkpoints are off or the lab is gone). */
export function checkpointCompletedStep(context: ServerContext, run: Run, stepIndex: number): void {
  if (context.config.checkpointsPerRun === 0 || !run.environmentId) return;
  const environment = context.runtime.get(run.environmentId);
  if (!environment) return;
  context.checkpoints.schedule(environment, { owner: run.id, step: stepIndex, kind: "step" });
}

/** Removes a run's checkpoints in the background (stopped, finished, expired); failures are logged. */
export function dropRunCheckpoints(context: ServerContext, runId: string): void {
  context.checkpoints.remove(runId).catch((error: unknown) => {
    context.logger.warn({ err: error, run: runId }, "could not remove a run's checkpoints; the reaper will");
  });
}

/** Ends saved labs past their retention, then removes checkpoint images whose run has ended (or is gone). */
export async function reapCheckpoints(context: ServerContext, now: Date = new Date()): Promise<number> {
  for (const saved of await context.db.listExpiredSavedLabs(now)) {
    await context.db.deleteSavedLab(saved.runId);
    const run = await context.db.getRun(saved.runId);
    if (run?.status === "saved") await context.db.updateRun(run.id, { status: "expired", finishedAt: now });
    await context.db.recordEvent({
      type: "run.saved_expired",
      runId: saved.runId,
      learnerId: saved.learnerId,
      data: { savedAt: saved.savedAt.toISOString() },
    });
    context.logger.info({ run: saved.runId, learner: saved.learnerId }, "a saved lab passed its retention");
  }
  return context.checkpoints.reap(async (owner) => {
    const run = await context.db.getRun(owner);
    return run ? KEEPING_STATUSES.has(run.status) : false;
  });
}

/** Runs `reapCheckpoints` now and every `intervalMs` until the returned function is called. */
export function startCheckpointReaper(context: ServerContext, intervalMs: number): () => void {
  const reap = () =>
    reapCheckpoints(context).catch((error: unknown) => context.logger.warn({ err: error }, "checkpoint reaper failed"));
  void reap();
  const timer = setInterval(reap, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
