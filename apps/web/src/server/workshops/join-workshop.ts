// A learner joins a workshop with its code and a display name (no account): wrong codes are rate
// limited per address, a full workshop refuses politely, and the learner cookie becomes a participant.
import { WorkshopFullError } from "@circus/db";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import { normalizeJoinCode } from "./join-code";
import { phaseOf, reserveFrom } from "./workshop-phase";
import { type LearnerWorkshopView, toLearnerWorkshopView } from "./workshop-views";

export interface JoinInput {
  learnerId: string;
  code: string;
  displayName: string;
  /** The client's address group (clientAddressGroup), for the wrong-code limit. */
  ip: string;
}

export async function joinWorkshop(context: ServerContext, input: JoinInput): Promise<LearnerWorkshopView> {
  const limiter = context.workshops.limits.wrongJoinCodes;
  // Taken before the lookup (parallel guesses, on any replica, cannot all pass) and given back when the code is right.
  const verdict = await limiter.take(input.ip);
  if (!verdict.allowed) {
    const seconds = Math.ceil(verdict.retryAfterMs / 1000);
    throw new AppError(
      "rate_limited",
      `Too many wrong codes from your network. Check the code and try again in ${seconds} seconds.`,
      { retryAfterSeconds: seconds },
    );
  }
  const workshop = await context.db.findWorkshopByJoinCode(normalizeJoinCode(input.code));
  if (!workshop) {
    throw new AppError("join_code_unknown", "This code does not match a workshop. Check it on the instructor's slide.");
  }
  await limiter.refund(input.ip);
  const phase = phaseOf(workshop);
  if (phase === "ended") throw new AppError("workshop_ended", "This workshop has ended. Thank you for coming!");
  if (phase === "scheduled") {
    throw new AppError(
      "workshop_not_open",
      `This workshop opens at ${reserveFrom(workshop).toISOString()}, a little before it starts. Come back then.`,
    );
  }
  const { participant, rejoined } = await context.workshops.serialize(`join:${workshop.id}`, async () => {
    await context.db.ensureLearner({ id: input.learnerId, displayName: input.displayName });
    try {
      return await context.db.joinWorkshop({
        workshopId: workshop.id,
        learnerId: input.learnerId,
        displayName: input.displayName,
        capacity: workshop.capacity,
      });
    } catch (error) {
      if (!(error instanceof WorkshopFullError)) throw error;
      throw new AppError(
        "workshop_full",
        `Sorry, this workshop is full: all ${workshop.capacity} seats are taken. Please tell the instructor, who can make room.`,
      );
    }
  });
  if (!rejoined) {
    await context.db.recordEvent({
      type: "workshop.joined",
      learnerId: input.learnerId,
      data: { workshop: workshop.id, participant: participant.id },
    });
    context.workshops.bus.publishDashboard(workshop.id, { type: "participant", learnerId: input.learnerId });
  }
  return toLearnerWorkshopView(context, workshop, participant);
}
