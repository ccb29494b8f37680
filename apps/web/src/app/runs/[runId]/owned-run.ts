// The run a page shows, when the learner asking owns it: the same rule as the API (another learner's
// run, or none at all, is "not found"), read through the server's context from a page.
import type { Run } from "@circus/db";
import { headers } from "next/headers";
import { getServerContext } from "../../../server/context";
import { AppError } from "../../../server/http/errors";
import { learnerIdFromRequest } from "../../../server/learners/learner-cookie";
import { viewRun } from "../../../server/runs/run-lifecycle";
import type { RunView } from "../../../server/runs/run-view";

async function pageLearnerId(): Promise<string | undefined> {
  const cookie = (await headers()).get("cookie") ?? undefined;
  return learnerIdFromRequest({ headers: { cookie } }, getServerContext().config);
}

export async function loadOwnedRun(runId: string): Promise<Run | undefined> {
  const learnerId = await pageLearnerId();
  if (!learnerId) return undefined;
  return getServerContext().labs.ownedRun(learnerId, runId);
}

/** The run and its view as GET /api/runs/:runId answers it, when the learner asking owns it. */
export async function loadOwnedRunView(runId: string): Promise<{ run: Run; view: RunView } | undefined> {
  const learnerId = await pageLearnerId();
  const context = getServerContext();
  const run = learnerId ? await context.labs.ownedRun(learnerId, runId) : undefined;
  if (!learnerId || !run) return undefined;
  try {
    return { run, view: await viewRun(context, learnerId, runId) };
  } catch (error) {
    // Its scenario is no longer offered: not found, as the page says of any run it cannot show.
    if (error instanceof AppError) return undefined;
    throw error;
  }
}

/** How many steps of the run are completed. */
export async function countCompletedSteps(runId: string): Promise<number> {
  const progress = await getServerContext().db.listStepProgress(runId);
  return progress.filter((step) => step.completedAt !== null).length;
}
