// The end of a workshop (its end time, or its instructor's "End"): the reservation is released, every
// participant's run is stopped and its environment destroyed, any environment still labelled with the
// workshop is removed, and learners and dashboards hear `ended`. Safe to run more than once.
import type { Workshop } from "@circus/db";
import type { ServerContext } from "../context";
import { stopRun } from "../runs/run-lifecycle";
import { WORKSHOP_LABEL } from "./workshop-phase";

export async function endWorkshopNow(context: ServerContext, workshopId: string, reason: string): Promise<Workshop> {
  const { db, runtime, logger } = context;
  const { workshop, ended } = await db.endWorkshop(workshopId);
  // Instructors stop watching first: no observer socket outlives the workshop it was granted for.
  context.workshops.workshopObservers.closeSession(workshopId);
  const at = (workshop.endedAt ?? new Date()).toISOString();
  await context.workshops.reservations.release(workshopId);
  const runs = await db.listWorkshopRuns(workshopId);
  const active = runs.filter((run) => run.status === "starting" || run.status === "ready");
  await Promise.allSettled(active.map((run) => stopRun(context, run.learnerId, run.id)));
  const leftovers = runtime.list().filter((environment) => environment.spec.labels?.[WORKSHOP_LABEL] === workshopId);
  await Promise.allSettled(leftovers.map((environment) => runtime.destroy(environment.id)));
  context.workshops.bus.publishLearners(workshopId, { type: "ended", at });
  context.workshops.bus.publishDashboard(workshopId, { type: "ended", at });
  if (ended) {
    await db.recordEvent({
      type: "workshop.ended",
      data: { workshop: workshopId, reason, stoppedRuns: active.length },
    });
    logger.info({ workshop: workshopId, reason, stoppedRuns: active.length }, "workshop ended");
  }
  return workshop;
}
