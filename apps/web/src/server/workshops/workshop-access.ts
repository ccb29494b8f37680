// Who may see a workshop: its owner and admins (anyone else gets 404, never 403, so ids reveal nothing);
// and which workshop a learner is in (their latest participation).
import type { Instructor, Participant, Workshop } from "@circus/db";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";

export function workshopNotFound(): AppError {
  return new AppError("workshop_not_found", "There is no such workshop.");
}

export async function requireOwnedWorkshop(
  context: ServerContext,
  instructor: Instructor,
  workshopId: string,
): Promise<Workshop> {
  const workshop = await context.db.getWorkshop(workshopId);
  if (!workshop || (workshop.ownerId !== instructor.id && !instructor.isAdmin)) throw workshopNotFound();
  return workshop;
}

/** The learner's latest workshop and participation, or 404 `not_in_workshop`. */
export async function requireParticipation(
  context: ServerContext,
  learnerId: string,
): Promise<{ workshop: Workshop; participant: Participant }> {
  const [participant] = await context.db.listParticipationsOf(learnerId);
  const workshop = participant ? await context.db.getWorkshop(participant.workshopId) : null;
  if (!participant || !workshop) {
    throw new AppError("not_in_workshop", "You have not joined a workshop. Ask your instructor for the join code.");
  }
  return { workshop, participant };
}
