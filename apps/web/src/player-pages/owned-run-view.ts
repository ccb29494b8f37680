// The run the player's page shows and its view as GET /api/runs/:runId answers it, when the learner whose
// Cookie header this is owns it (another learner's run, or none at all, is "not found", like the API).
// Built from the server's context alone: Next bundles pages apart from the server.
import type { Run } from "@circus/db";
import { savingAllowed } from "../server/checkpoints/saving-allowed";
import { getServerContext } from "../server/context";
import { learnerIdFromRequest } from "../server/learners/learner-cookie";
import { hostStateViews } from "../server/runs/host-state-views";
import { type RunView, toRunView } from "../server/runs/run-view";

export async function loadOwnedRunView(
  runId: string,
  cookie: string | undefined,
): Promise<{ run: Run; view: RunView } | undefined> {
  const context = getServerContext();
  const learnerId = learnerIdFromRequest({ headers: { cookie } }, context.config);
  const run = learnerId ? await context.labs.ownedRun(learnerId, runId) : undefined;
  const found = run ? context.scenarios(run.scenarioId) : undefined;
  if (!run || !found) return undefined;
  const hostStates = run.status === "ready" ? hostStateViews(context, run.environmentId) : undefined;
  const view = toRunView(run, found.scenario, await context.db.listStepProgress(run.id), {
    hostStates,
    savingAllowed: await savingAllowed(context, run),
  });
  return { run, view };
}
