// How a participant's run differs from any other: it belongs to the workshop (dashboard, end), lives
// for the workshop's TTL and starts from the workshop's reserved pool. Used by POST /api/runs.
import type { WarmPool } from "@circus/sandbox";
import type { ServerContext } from "../context";
import { phaseOf, WORKSHOP_LABEL } from "./workshop-phase";

export interface WorkshopRunOptions {
  workshopId: string;
  ttlSeconds: number;
  /** The reserved pool, when the workshop is in its reservation window and this is its first scenario. */
  pool?: WarmPool;
  /** Labels on an environment created for the run. */
  labels: Record<string, string>;
  /** Environments a participant may hold at once: one per scenario of the workshop. */
  environmentsPerLearner: number;
}

/** The options when the learner is a participant of an open workshop that has this scenario. */
export async function workshopRunOptions(
  context: ServerContext,
  learnerId: string,
  scenarioId: string,
): Promise<WorkshopRunOptions | undefined> {
  for (const participant of await context.db.listParticipationsOf(learnerId)) {
    const workshop = await context.db.getWorkshop(participant.workshopId);
    if (!workshop || phaseOf(workshop) === "ended" || !workshop.scenarioIds.includes(scenarioId)) continue;
    const pool = context.workshops.reservations.poolFor(workshop.id, scenarioId);
    return {
      workshopId: workshop.id,
      ttlSeconds: workshop.ttlSeconds,
      ...(pool ? { pool } : {}),
      labels: { [WORKSHOP_LABEL]: workshop.id },
      environmentsPerLearner: workshop.scenarioIds.length,
    };
  }
  return undefined;
}
