// The instructor dashboard's state, folded from its event stream (`snapshot`, then `row`, `funnel`,
// `reserve`, `ended`). Pure, so the page and the tests share it; unknown or malformed events change nothing.
import type { z } from "zod";
import {
  type DashboardRow,
  DashboardRowSchema,
  DashboardSnapshotSchema,
  EndedEventSchema,
  type FunnelScenario,
  FunnelScenarioSchema,
  type ReserveStats,
  ReserveStatsSchema,
} from "./workshop-schemas";

export interface DashboardState {
  /** False until the first snapshot arrived. */
  loaded: boolean;
  rows: DashboardRow[];
  funnel: FunnelScenario[];
  reserve: ReserveStats | undefined;
  endedAt: string | undefined;
  /** How many events were applied (the page exposes it so tests can wait on an update). */
  revision: number;
}

export const INITIAL_DASHBOARD: DashboardState = {
  loaded: false,
  rows: [],
  funnel: [],
  reserve: undefined,
  endedAt: undefined,
  revision: 0,
};

export const DASHBOARD_EVENTS = ["snapshot", "row", "funnel", "reserve", "ended"] as const;
export type DashboardEventName = (typeof DASHBOARD_EVENTS)[number];

/** The state after one event; `data` is the event's raw text (JSON). */
export function applyDashboardEvent(state: DashboardState, event: DashboardEventName, data: string): DashboardState {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return state;
  }
  const next = (patch: Partial<DashboardState>) => ({ ...state, ...patch, revision: state.revision + 1 });
  switch (event) {
    case "snapshot":
      return parsed(DashboardSnapshotSchema, json, (snapshot) =>
        next({ loaded: true, rows: snapshot.rows, funnel: snapshot.funnel }),
      );
    case "row":
      return parsed(DashboardRowSchema, json, (row) => {
        const index = state.rows.findIndex((existing) => existing.participantId === row.participantId);
        const rows =
          index < 0 ? [...state.rows, row] : state.rows.map((existing, at) => (at === index ? row : existing));
        return next({ rows });
      });
    case "funnel":
      return parsed(FunnelScenarioSchema.array(), json, (funnel) => next({ funnel }));
    case "reserve":
      return parsed(ReserveStatsSchema, json, (reserve) => next({ reserve }));
    case "ended":
      return parsed(EndedEventSchema, json, ({ at }) => next({ endedAt: at }));
  }
  function parsed<S extends z.ZodType>(schema: S, value: unknown, apply: (data: z.infer<S>) => DashboardState) {
    const result = schema.safeParse(value);
    return result.success ? apply(result.data) : state;
  }
}

/** Seconds the learner has been on their step at `now` (the server's figure is only as fresh as its row). */
export function secondsOnStep(
  row: Pick<DashboardRow, "stepStartedAt" | "timeOnStepSeconds">,
  now: number,
): number | null {
  if (row.stepStartedAt === null) return row.timeOnStepSeconds;
  const started = Date.parse(row.stepStartedAt);
  return Number.isNaN(started) ? row.timeOnStepSeconds : Math.max(0, Math.floor((now - started) / 1000));
}

/** The largest count in a funnel, so bars share one scale (at least 1, so an empty funnel draws no bars). */
export function funnelScale(funnel: readonly FunnelScenario[], participants: number): number {
  const counts = funnel.flatMap((scenario) => scenario.steps.map((step) => step.reached));
  return Math.max(1, participants, ...counts);
}
