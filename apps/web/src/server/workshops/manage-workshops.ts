// What an instructor does with their workshops: create (with a fresh join code), list, view, change,
// end, and broadcast a message to its learners.
import { type Instructor, JoinCodeTakenError, type Workshop, type WorkshopPatch } from "@circus/db";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import { endWorkshopNow } from "./end-workshop";
import { newJoinCode } from "./join-code";
import { requireOwnedWorkshop } from "./workshop-access";

export interface WorkshopFields {
  title: string;
  scenarioIds: string[];
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  /** Default: the server's sandbox TTL. */
  ttlSeconds?: number;
  /** Default 15. */
  reserveMinutes?: number;
  /** Whether participants may save their labs and resume them later. Default true. */
  allowSaving?: boolean;
}

export async function createWorkshop(
  context: ServerContext,
  owner: Instructor,
  fields: WorkshopFields,
): Promise<Workshop> {
  checkFields(context, fields);
  for (let attempt = 0; ; attempt += 1) {
    try {
      const workshop = await context.db.createWorkshop({
        ...fields,
        ttlSeconds: fields.ttlSeconds ?? context.config.sandboxTtlSeconds,
        reserveMinutes: fields.reserveMinutes ?? 15,
        ownerId: owner.id,
        joinCode: newJoinCode(),
      });
      await context.db.recordEvent({ type: "workshop.created", data: { workshop: workshop.id, owner: owner.id } });
      void context.workshops.reservations.reconcile();
      return workshop;
    } catch (error) {
      // 59 random bits: a collision is rare; a few draws are plenty.
      if (!(error instanceof JoinCodeTakenError) || attempt >= 3) throw error;
    }
  }
}

/** The instructor's workshops; an admin sees everyone's. */
export function listWorkshops(context: ServerContext, instructor: Instructor): Promise<Workshop[]> {
  return context.db.listWorkshops(instructor.isAdmin ? {} : { ownerId: instructor.id });
}

export async function updateWorkshop(
  context: ServerContext,
  instructor: Instructor,
  workshopId: string,
  patch: Partial<WorkshopFields>,
): Promise<Workshop> {
  const workshop = await requireOwnedWorkshop(context, instructor, workshopId);
  if (workshop.endedAt !== null)
    throw new AppError("workshop_ended", "This workshop has ended and can no longer change.");
  checkFields(context, { ...workshop, ...patch });
  const updated = await context.db.updateWorkshop(workshop.id, patch satisfies WorkshopPatch);
  void context.workshops.reservations.reconcile();
  return updated;
}

export async function endWorkshop(
  context: ServerContext,
  instructor: Instructor,
  workshopId: string,
): Promise<Workshop> {
  const workshop = await requireOwnedWorkshop(context, instructor, workshopId);
  return endWorkshopNow(context, workshop.id, `ended by ${instructor.id}`);
}

/** Sends a message to every learner's workshop stream; returns how many streams got it. */
export async function broadcastMessage(
  context: ServerContext,
  instructor: Instructor,
  workshopId: string,
  text: string,
): Promise<{ delivered: number }> {
  const workshop = await requireOwnedWorkshop(context, instructor, workshopId);
  const at = new Date().toISOString();
  const delivered = context.workshops.bus.publishLearners(workshop.id, { type: "message", text, at });
  await context.db.recordEvent({ type: "workshop.message", data: { workshop: workshop.id, text, delivered } });
  return { delivered };
}

function checkFields(
  context: ServerContext,
  fields: Pick<WorkshopFields, "scenarioIds" | "startsAt" | "endsAt">,
): void {
  const unknown = fields.scenarioIds.filter((id) => !context.scenarios(id));
  if (unknown.length > 0) {
    throw new AppError("invalid_request", `These scenarios are not in the catalog: ${unknown.join(", ")}.`);
  }
  if (fields.endsAt <= fields.startsAt) throw new AppError("invalid_request", "The end must come after the start.");
}
