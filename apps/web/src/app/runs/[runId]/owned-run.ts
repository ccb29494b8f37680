// The run a page shows, when the learner asking owns it: the same rule as the API (another learner's
// run, or none at all, is "not found"), read through the server's context from a page.
import type { Run } from "@circus/db";
import { headers } from "next/headers";
import { getServerContext } from "../../../server/context";
import { learnerIdFromRequest } from "../../../server/learners/learner-cookie";

async function pageLearnerId(): Promise<string | undefined> {
  const cookie = (await headers()).get("cookie") ?? undefined;
  return learnerIdFromRequest({ headers: { cookie } }, getServerContext().config);
}

export async function loadOwnedRun(runId: string): Promise<Run | undefined> {
  const learnerId = await pageLearnerId();
  if (!learnerId) return undefined;
  return getServerContext().labs.ownedRun(learnerId, runId);
}

/** How many steps of the run are completed. */
export async function countCompletedSteps(runId: string): Promise<number> {
  const progress = await getServerContext().db.listStepProgress(runId);
  return progress.filter((step) => step.completedAt !== null).length;
}
