import { describe, expect, it } from "vitest";
import {
  applyDashboardEvent,
  type DashboardState,
  funnelScale,
  INITIAL_DASHBOARD,
  secondsOnStep,
} from "./dashboard-state";
import type { DashboardRow } from "./workshop-schemas";

function row(participantId: string, patch: Partial<DashboardRow> = {}): DashboardRow {
  return {
    participantId,
    displayName: participantId,
    scenarioId: "basics",
    runId: `run-${participantId}`,
    status: "ready",
    currentStep: 0,
    stepTitle: "First",
    stepStartedAt: null,
    timeOnStepSeconds: 0,
    checks: { passed: 0, failed: 0 },
    stuck: false,
    stuckReason: null,
    watched: false,
    scenarios: [{ scenarioId: "basics", currentStep: 0, completedSteps: [] }],
    ...patch,
  };
}

const apply = (state: DashboardState, event: Parameters<typeof applyDashboardEvent>[1], data: unknown) =>
  applyDashboardEvent(state, event, JSON.stringify(data));

describe("applyDashboardEvent", () => {
  it("loads a snapshot, replaces a learner's row in place and appends a new learner", () => {
    let state = apply(INITIAL_DASHBOARD, "snapshot", { rows: [row("ada"), row("bob")], funnel: [] });
    expect(state.loaded).toBe(true);
    state = apply(state, "row", row("ada", { currentStep: 1, checks: { passed: 1, failed: 2 } }));
    state = apply(state, "row", row("cy"));
    expect(state.rows.map((r) => [r.participantId, r.currentStep, r.checks.failed])).toEqual([
      ["ada", 1, 2],
      ["bob", 0, 0],
      ["cy", 0, 0],
    ]);
    expect(state.revision).toBe(3);
  });

  it("takes the funnel, the reservation and the end", () => {
    const funnel = [
      { scenarioId: "basics", title: "Basics", steps: [{ index: 0, title: "First", reached: 2, completed: 1 }] },
    ];
    let state = apply(INITIAL_DASHBOARD, "funnel", funnel);
    state = apply(state, "reserve", { target: 50, ready: 12, creating: 3 });
    state = apply(state, "ended", { at: "2030-01-01T00:00:00.000Z" });
    expect(state.funnel).toEqual(funnel);
    expect(state.reserve).toEqual({ target: 50, ready: 12, creating: 3 });
    expect(state.endedAt).toBe("2030-01-01T00:00:00.000Z");
  });

  it("ignores malformed events", () => {
    const state = apply(INITIAL_DASHBOARD, "snapshot", { rows: [row("ada")], funnel: [] });
    expect(applyDashboardEvent(state, "row", "{not json")).toBe(state);
    expect(apply(state, "row", { participantId: "x" })).toBe(state);
    expect(apply(state, "reserve", { ready: "many" })).toBe(state);
  });
});

describe("secondsOnStep", () => {
  it("counts from when the step started, and falls back to the server's figure", () => {
    const started = Date.parse("2030-01-01T00:00:00.000Z");
    expect(secondsOnStep({ stepStartedAt: "2030-01-01T00:00:00.000Z", timeOnStepSeconds: 3 }, started + 75_400)).toBe(
      75,
    );
    expect(secondsOnStep({ stepStartedAt: null, timeOnStepSeconds: 12 }, started)).toBe(12);
    expect(secondsOnStep({ stepStartedAt: null, timeOnStepSeconds: null }, started)).toBeNull();
  });
});

describe("funnelScale", () => {
  it("is the largest count or the number of participants, never zero", () => {
    const funnel = [{ scenarioId: "s", title: "S", steps: [{ index: 0, title: "a", reached: 4, completed: 1 }] }];
    expect(funnelScale(funnel, 3)).toBe(4);
    expect(funnelScale(funnel, 9)).toBe(9);
    expect(funnelScale([], 0)).toBe(1);
  });
});
