// A workshop's time line: scheduled → reserving (from `startsAt - reserveMinutes`: environments are
// prepared and joining opens) → running (from `startsAt`) → ended (at `endsAt`, or when ended early).
import type { Workshop } from "@circus/db";

/** On every environment of a workshop (pooled or created for a participant's run). */
export const WORKSHOP_LABEL = "circus.workshop";

export type WorkshopPhase = "scheduled" | "reserving" | "running" | "ended";

/** When environments start being reserved for the workshop (and learners may join). */
export function reserveFrom(workshop: Pick<Workshop, "startsAt" | "reserveMinutes">): Date {
  return new Date(workshop.startsAt.getTime() - workshop.reserveMinutes * 60_000);
}

export function phaseOf(
  workshop: Pick<Workshop, "startsAt" | "endsAt" | "endedAt" | "reserveMinutes">,
  now: Date = new Date(),
): WorkshopPhase {
  if (workshop.endedAt !== null || workshop.endsAt <= now) return "ended";
  if (workshop.startsAt <= now) return "running";
  return reserveFrom(workshop) <= now ? "reserving" : "scheduled";
}
