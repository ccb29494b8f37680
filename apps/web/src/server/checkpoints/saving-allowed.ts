// Whether a run may be saved ("Save and leave"): saving is on on this server (a storage cap and checkpoints
// above 0) and, for a workshop's run, the instructor allows it in that workshop. The save refuses otherwise
// (save-run.ts), and every run view carries the answer so that the player does not offer what would be
// refused. Type imports only: the run page imports this too, and Next bundles it apart from the server.
import type { Run } from "@circus/db";
import type { ServerContext } from "../context";

/** Why `run` may not be saved, in words for the learner; undefined when it may. */
export async function savingRefusal(context: ServerContext, run: Run): Promise<string | undefined> {
  if (context.config.savedLabStorageMiBPerLearner === 0 || context.config.checkpointsPerRun === 0) {
    return "Saving labs is turned off on this server.";
  }
  if (run.workshopId) {
    const workshop = await context.db.getWorkshop(run.workshopId);
    if (workshop && !workshop.allowSaving) return "Your instructor turned saving off for this workshop.";
  }
  return undefined;
}

/** Whether the player offers "Save and leave" for `run` (the run view's `savingAllowed`). */
export async function savingAllowed(context: ServerContext, run: Run): Promise<boolean> {
  return (await savingRefusal(context, run)) === undefined;
}
