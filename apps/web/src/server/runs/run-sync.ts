// Keeps the database's runs in step with the engine: at start-up, runs whose environment the runtime
// adopted are re-attached (and their extended expiry restored), the others are ended; while running,
// a run whose environment was reaped becomes `expired`.
import type { ServerContext } from "../context";
import { markExpired } from "./run-access";

export interface ResumeOutcome {
  /** Runs re-attached to their live environment. */
  resumed: string[];
  /** Ready runs whose environment is gone. */
  expired: string[];
  /** Runs caught mid-start by the restart. */
  failed: string[];
}

/** Run once the runtime has reconciled (createSandboxRuntime does it) and before the pools adopt. */
export async function resumeRuns(context: ServerContext): Promise<ResumeOutcome> {
  const { db, runtime, labs, logger } = context;
  const outcome: ResumeOutcome = { resumed: [], expired: [], failed: [] };
  for (const run of await db.listRunsByStatus({ statuses: ["starting", "ready"], limit: 10_000 })) {
    if (run.status === "starting") {
      // Its start died with the old process: whatever it created is destroyed, the learner starts again.
      const orphans = runtime.list().filter((environment) => environment.owner === run.id);
      await Promise.allSettled(orphans.map((environment) => runtime.destroy(environment.id)));
      await db.updateRun(run.id, {
        status: "failed",
        stage: null,
        error: "Circus restarted while this lab was starting. Start it again.",
        finishedAt: new Date(),
      });
      outcome.failed.push(run.id);
      continue;
    }
    const environment = run.environmentId ? runtime.get(run.environmentId) : undefined;
    const lab = environment ? await labs.labOf(run) : undefined;
    if (!environment || !lab) {
      await markExpired(context, run, "gone after a restart");
      outcome.expired.push(run.id);
      continue;
    }
    // The engine's label keeps the first expiry; the database has the extended one.
    const seconds = Math.floor((run.expiresAt.getTime() - environment.expiresAt.getTime()) / 1000);
    if (seconds > 0) runtime.extend(environment.id, seconds);
    outcome.resumed.push(run.id);
  }
  logger.info(outcome, "runs resumed after start-up");
  return outcome;
}

/**
 * Every `intervalMs`, marks ready runs whose environment the runtime no longer holds (reaped, died)
 * as expired, and refreshes the active-environments gauge. Returns the dispose function.
 */
export function watchRunExpiry(context: ServerContext, intervalMs = 5_000): () => void {
  let busy = false;
  const sweep = async () => {
    if (busy) return;
    busy = true;
    try {
      const active = await context.db.listRunsByStatus({ statuses: ["starting", "ready"], limit: 10_000 });
      context.metrics.activeEnvironments.set(active.length);
      for (const run of active) {
        if (run.status === "ready" && (!run.environmentId || !context.runtime.get(run.environmentId))) {
          await markExpired(context, run, "reaped");
        }
      }
    } catch (error) {
      context.logger.warn({ err: error }, "could not sync runs with the runtime");
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  void sweep();
  return () => clearInterval(timer);
}
