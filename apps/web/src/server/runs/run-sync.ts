// Keeps the database's runs in step with the engine: at start-up, runs whose environment the runtime
// adopted are re-attached (and their extended expiry restored), the others are ended; while running,
// a run whose environment was reaped becomes `expired`. With several web replicas, a start is another
// replica's until it has not moved for STALE_START_MS, and an environment is gone only when the engine
// has none to adopt.
import type { ServerContext } from "../context";
import { markExpired } from "./run-access";

/** A start that has not moved for this long lost its replica (the launch writes each stage). */
export const STALE_START_MS = 10 * 60_000;

const RESTARTED_WHILE_STARTING = "Circus restarted while this lab was starting. Start it again.";

/** Whether the run's environment is live: held here, or (several replicas) adopted from the engine. */
async function environmentLive(context: ServerContext, environmentId: string | null): Promise<boolean> {
  if (!environmentId) return false;
  if (context.runtime.get(environmentId)) return true;
  return context.config.webReplicas === "several" && (await context.runtime.adopt(environmentId)) !== undefined;
}

/** Several replicas: a starting run no replica's launch moved for STALE_START_MS (its replica died). */
function staleStart(context: ServerContext, run: { id: string; updatedAt: Date }): boolean {
  return !context.launches.has(run.id) && Date.now() - run.updatedAt.getTime() > STALE_START_MS;
}

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
      // Another replica may be starting it now: only one left alone too long died with its replica.
      if (context.config.webReplicas === "several" && !staleStart(context, run)) continue;
      // Its start died with the old process: whatever it created is destroyed, the learner starts again.
      const orphans = runtime.list().filter((environment) => environment.owner === run.id);
      await Promise.allSettled(orphans.map((environment) => runtime.destroy(environment.id)));
      await db.updateRun(run.id, {
        status: "failed",
        stage: null,
        error: RESTARTED_WHILE_STARTING,
        finishedAt: new Date(),
      });
      outcome.failed.push(run.id);
      continue;
    }
    const environment =
      run.environmentId && (await environmentLive(context, run.environmentId))
        ? runtime.get(run.environmentId)
        : undefined;
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
        if (run.status === "ready" && !(await environmentLive(context, run.environmentId))) {
          await markExpired(context, run, "reaped");
        } else if (run.status === "starting" && context.config.webReplicas === "several" && staleStart(context, run)) {
          await context.db.updateRun(run.id, {
            status: "failed",
            stage: null,
            error: RESTARTED_WHILE_STARTING,
            finishedAt: new Date(),
          });
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
