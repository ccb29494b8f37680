// The workshop a page shows to a learner: only their own (the latest they joined), by the same rule as
// GET /api/me/workshop; any other id is "not found".
import type { Participant, Workshop } from "@circus/db";
import { headers } from "next/headers";
import { getServerContext } from "../../server/context";
import { learnerIdFromRequest } from "../../server/learners/learner-cookie";

export async function loadLearnerWorkshop(
  workshopId: string,
): Promise<{ workshop: Workshop; participant: Participant } | undefined> {
  const context = getServerContext();
  const cookie = (await headers()).get("cookie") ?? undefined;
  const learnerId = learnerIdFromRequest({ headers: { cookie } }, context.config);
  if (!learnerId) return undefined;
  const [participant] = await context.db.listParticipationsOf(learnerId);
  if (!participant || participant.workshopId !== workshopId) return undefined;
  const workshop = await context.db.getWorkshop(participant.workshopId);
  return workshop ? { workshop, participant } : undefined;
}
