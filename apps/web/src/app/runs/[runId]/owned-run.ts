// The run a page shows, when the learner asking owns it: the same rule as the API (another learner's
// run, or none at all, is "not found"), read through the server's context from a page.
import type { Run } from "@circus/db";
import { headers } from "next/headers";
import { savingAllowed } from "../../../server/checkpoints/saving-allowed";
import { getServerContext } from "../../../server/context";
import { learnerIdFromRequest } from "../../../server/learners/learner-cookie";
import { hostStateViews } from "../../../server/runs/host-state-views";
import { type RunView, toRunView } from "../../../server/runs/run-view";

async function pageLearnerId(): Promise<string | undefined> {
  const cookie = (await headers()).get("cookie") ?? undefined;
  return learnerIdFromRequest({ headers: { cookie } }, getServerContext().config);
}

export async function loadOwnedRun(runId: string): Promise<Run | undefined> {
  const learnerId = await pageLearnerId();
  if (!learnerId) return undefined;
  return getServerContext().labs.ownedRun(learnerId, runId);
}

/**
 * The run and its view as GET /api/runs/:runId answers it, when the learner asking owns it. Built from the
 * context alone (Next bundles this page apart from the server: no domain modules are imported here).
 */
export async function loadOwnedRunView(runId: string): Promise<{ run: Run; view: RunView } | undefined> {
  const learnerId = await pageLearnerId();
  const context = getServerContext();
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

/** How many steps of the run are completed. */
export async function countCompletedSteps(runId: string): Promise<number> {
  const progress = await getServerContext().db.listStepProgress(runId);
  return progress.filter((step) => step.completedAt !== null).length;
}
