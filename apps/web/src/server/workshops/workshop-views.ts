// What the API shows of a workshop: the instructor's view (join code, link, reservation) and the
// learner's view (title, scenarios in order, times, phase). Built from the record and the catalog.
import type { Participant, Workshop } from "@circus/db";
import type { ServerContext } from "../context";
import { formatJoinCode } from "./join-code";
import type { ReserveStats } from "./workshop-event-bus";
import { phaseOf, reserveFrom, type WorkshopPhase } from "./workshop-phase";

export interface WorkshopScenarioView {
  id: string;
  title: string;
  description: string;
  steps: { index: number; title: string }[];
}

export function scenariosOf(context: ServerContext, workshop: Workshop): WorkshopScenarioView[] {
  return workshop.scenarioIds.map((id) => {
    const scenario = context.scenarios(id)?.scenario;
    return {
      id,
      title: scenario?.title ?? id,
      description: scenario?.description ?? "",
      steps: (scenario?.steps ?? []).map((step, index) => ({ index, title: step.title })),
    };
  });
}

export function joinPathOf(workshop: Pick<Workshop, "joinCode">): string {
  return `/join/${workshop.joinCode}`;
}

/** The absolute join link, on the first allowed origin (the public address of this Circus). */
export function joinUrlOf(context: ServerContext, workshop: Pick<Workshop, "joinCode">): string {
  const origin = context.config.allowedOrigins[0] ?? `http://localhost:${context.config.port}`;
  return `${origin}${joinPathOf(workshop)}`;
}

export interface InstructorWorkshopView {
  id: string;
  ownerId: string;
  title: string;
  scenarios: WorkshopScenarioView[];
  startsAt: string;
  endsAt: string;
  endedAt: string | null;
  reserveFrom: string;
  reserveMinutes: number;
  /** Whether participants may save their labs ("Save and leave") and resume them later. */
  allowSaving: boolean;
  capacity: number;
  ttlSeconds: number;
  phase: WorkshopPhase;
  joinCode: string;
  /** `ABCD-EFGH-JKMN`, for slides. */
  joinCodeDisplay: string;
  joinPath: string;
  joinUrl: string;
  qrPath: string;
  participants: number;
  reserve: ReserveStats;
}

export async function toInstructorWorkshopView(
  context: ServerContext,
  workshop: Workshop,
): Promise<InstructorWorkshopView> {
  return {
    id: workshop.id,
    ownerId: workshop.ownerId,
    title: workshop.title,
    scenarios: scenariosOf(context, workshop),
    startsAt: workshop.startsAt.toISOString(),
    endsAt: workshop.endsAt.toISOString(),
    endedAt: workshop.endedAt?.toISOString() ?? null,
    reserveFrom: reserveFrom(workshop).toISOString(),
    reserveMinutes: workshop.reserveMinutes,
    allowSaving: workshop.allowSaving,
    capacity: workshop.capacity,
    ttlSeconds: workshop.ttlSeconds,
    phase: phaseOf(workshop),
    joinCode: workshop.joinCode,
    joinCodeDisplay: formatJoinCode(workshop.joinCode),
    joinPath: joinPathOf(workshop),
    joinUrl: joinUrlOf(context, workshop),
    qrPath: `/api/workshops/${workshop.id}/qr.svg`,
    participants: await context.db.countParticipants(workshop.id),
    reserve: context.workshops.reservations.stats(workshop.id),
  };
}

export interface LearnerWorkshopView {
  id: string;
  title: string;
  scenarios: WorkshopScenarioView[];
  startsAt: string;
  endsAt: string;
  endedAt: string | null;
  phase: WorkshopPhase;
  participant: { id: string; displayName: string };
}

export function toLearnerWorkshopView(
  context: ServerContext,
  workshop: Workshop,
  participant: Participant,
): LearnerWorkshopView {
  return {
    id: workshop.id,
    title: workshop.title,
    scenarios: scenariosOf(context, workshop),
    startsAt: workshop.startsAt.toISOString(),
    endsAt: workshop.endsAt.toISOString(),
    endedAt: workshop.endedAt?.toISOString() ?? null,
    phase: phaseOf(workshop),
    participant: { id: participant.id, displayName: participant.displayName },
  };
}
