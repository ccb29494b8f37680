// Whether a run may be saved ("Save and leave"): saving is on on this server (a storage cap and checkpoints
// above 0) and, for a workshop's run, the instructor allows it in that workshop. The save refuses otherwise,
// and every run view carries the answer so that the player does not offer what would be refused.
import type { Run } from "@circus/db";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";

export async function assertSavingAllowed(context: ServerContext, run: Run): Promise<void> {
  if (context.config.savedLabStorageMiBPerLearner === 0 || context.config.checkpointsPerRun === 0) {
    throw new AppError("saving_disabled", "Saving labs is turned off on this server.");
  }
  if (run.workshopId) {
    const workshop = await context.db.getWorkshop(run.workshopId);
    if (workshop && !workshop.allowSaving) {
      throw new AppError("saving_disabled", "Your instructor turned saving off for this workshop.");
    }
  }
}

/** `assertSavingAllowed` as a yes or no (for the run view). */
export async function savingAllowed(context: ServerContext, run: Run): Promise<boolean> {
  try {
    await assertSavingAllowed(context, run);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === "saving_disabled") return false;
    throw error;
  }
}
