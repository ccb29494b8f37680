// The instructor's live view of a workshop: one row per learner (current step, its checks, time on it,
// a stuck flag) and a funnel of how many reached and completed each step. Rows are built from the
// database; the funnel is computed from the rows alone, so a stream can update it from one new row.
import type { Participant, Run, Workshop } from "@circus/db";
import type { ServerContext } from "../context";

/** A learner is stuck after this many failed checks on their current step... */
export const STUCK_FAILED_CHECKS = 3;
/** ...or after this long on it. */
export const STUCK_SECONDS = 600;

export interface ScenarioProgress {
  scenarioId: string;
  runId: string | null;
  status: Run["status"] | null;
  /** The step the learner is on (steps.length once finished); null before a run started. */
  currentStep: number | null;
  /** Indexes of completed steps. */
  completedSteps: number[];
}

export interface DashboardRow {
  participantId: string;
  displayName: string;
  joinedAt: string;
  /** The scenario of the learner's latest run, and where they are in it. */
  scenarioId: string | null;
  runId: string | null;
  status: Run["status"] | null;
  currentStep: number | null;
  stepTitle: string | null;
  stepStartedAt: string | null;
  timeOnStepSeconds: number | null;
  checks: { passed: number; failed: number };
  stuck: boolean;
  stuckReason: "failed_checks" | "long_on_step" | null;
  /** Someone is watching the learner's terminal. */
  watched: boolean;
  scenarios: ScenarioProgress[];
}

export interface FunnelScenario {
  scenarioId: string;
  title: string;
  steps: { index: number; title: string; reached: number; completed: number }[];
}

export interface DashboardSnapshot {
  workshopId: string;
  at: string;
  participants: number;
  rows: DashboardRow[];
  funnel: FunnelScenario[];
}

export async function dashboardSnapshot(context: ServerContext, workshop: Workshop): Promise<DashboardSnapshot> {
  const [participants, runs] = await Promise.all([
    context.db.listParticipants(workshop.id),
    context.db.listWorkshopRuns(workshop.id),
  ]);
  const rows = await Promise.all(participants.map((participant) => buildRow(context, workshop, participant, runs)));
  return {
    workshopId: workshop.id,
    at: new Date().toISOString(),
    participants: participants.length,
    rows,
    funnel: funnelOf(context, workshop, rows),
  };
}

/** The row of one learner, or undefined when they are not a participant of the workshop. */
export async function dashboardRow(
  context: ServerContext,
  workshop: Workshop,
  learnerId: string,
): Promise<DashboardRow | undefined> {
  const participants = await context.db.listParticipants(workshop.id);
  const participant = participants.find((candidate) => candidate.learnerId === learnerId);
  if (!participant) return undefined;
  return buildRow(context, workshop, participant, await context.db.listWorkshopRuns(workshop.id));
}

async function buildRow(
  context: ServerContext,
  workshop: Workshop,
  participant: Participant,
  workshopRuns: readonly Run[],
  now: Date = new Date(),
): Promise<DashboardRow> {
  const runs = workshopRuns.filter((run) => run.learnerId === participant.learnerId);
  const scenarios: ScenarioProgress[] = [];
  for (const scenarioId of workshop.scenarioIds) {
    const run = latest(runs.filter((candidate) => candidate.scenarioId === scenarioId));
    const progress = run ? await context.db.listStepProgress(run.id) : [];
    scenarios.push({
      scenarioId,
      runId: run?.id ?? null,
      status: run?.status ?? null,
      currentStep: run?.currentStep ?? null,
      completedSteps: progress.filter((step) => step.completedAt !== null).map((step) => step.stepIndex),
    });
  }
  const current = latest(runs);
  const base = {
    participantId: participant.id,
    displayName: participant.displayName,
    joinedAt: participant.joinedAt.toISOString(),
    watched: context.workshops.bus.isWatched(workshop.id, participant.learnerId),
    scenarios,
  };
  if (!current) {
    return {
      ...base,
      scenarioId: null,
      runId: null,
      status: null,
      currentStep: null,
      stepTitle: null,
      stepStartedAt: null,
      timeOnStepSeconds: null,
      checks: { passed: 0, failed: 0 },
      stuck: false,
      stuckReason: null,
    };
  }
  const step = context.scenarios(current.scenarioId)?.scenario.steps[current.currentStep];
  const progress = await context.db.listStepProgress(current.id);
  const attempts = await context.db.listCheckAttempts(current.id, current.currentStep);
  const checks = {
    passed: attempts.filter((attempt) => attempt.passed).length,
    failed: attempts.filter((attempt) => !attempt.passed).length,
  };
  const onStep = progress.find((entry) => entry.stepIndex === current.currentStep);
  const previous = progress.find((entry) => entry.stepIndex === current.currentStep - 1);
  const startedAt = onStep?.firstShownAt ?? previous?.completedAt ?? current.readyAt ?? current.startedAt;
  const live = current.status === "ready" && step !== undefined;
  const seconds = live ? Math.max(0, Math.floor((now.getTime() - startedAt.getTime()) / 1000)) : null;
  const completed = onStep?.completedAt != null;
  const stuckReason =
    !live || completed
      ? null
      : checks.failed >= STUCK_FAILED_CHECKS
        ? ("failed_checks" as const)
        : (seconds ?? 0) > STUCK_SECONDS
          ? ("long_on_step" as const)
          : null;
  return {
    ...base,
    scenarioId: current.scenarioId,
    runId: current.id,
    status: current.status,
    currentStep: current.currentStep,
    stepTitle: step?.title ?? null,
    stepStartedAt: live ? startedAt.toISOString() : null,
    timeOnStepSeconds: seconds,
    checks,
    stuck: stuckReason !== null,
    stuckReason,
  };
}

/** How many learners reached and completed each step of each scenario. */
export function funnelOf(context: ServerContext, workshop: Workshop, rows: readonly DashboardRow[]): FunnelScenario[] {
  return workshop.scenarioIds.map((scenarioId) => {
    const scenario = context.scenarios(scenarioId)?.scenario;
    const progress = rows.flatMap((row) => row.scenarios.filter((entry) => entry.scenarioId === scenarioId));
    return {
      scenarioId,
      title: scenario?.title ?? scenarioId,
      steps: (scenario?.steps ?? []).map((step, index) => ({
        index,
        title: step.title,
        reached: progress.filter((entry) => entry.currentStep !== null && entry.currentStep >= index).length,
        completed: progress.filter((entry) => entry.completedSteps.includes(index)).length,
      })),
    };
  });
}

function latest(runs: readonly Run[]): Run | undefined {
  return runs.reduce<Run | undefined>(
    (best, run) => (best === undefined || run.startedAt >= best.startedAt ? run : best),
    undefined,
  );
}
