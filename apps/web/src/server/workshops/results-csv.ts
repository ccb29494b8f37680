// The results of a workshop as CSV (one line per participant and scenario), escaped per RFC 4180 and
// safe to open in a spreadsheet: a cell starting with = + - @ (or a tab/CR) is prefixed with ' so it is
// never run as a formula.
import type { Workshop } from "@circus/db";
import type { ServerContext } from "../context";

export const RESULTS_HEADER = [
  "participant",
  "joined_at",
  "scenario",
  "status",
  "steps_completed",
  "steps_total",
  "checks_passed",
  "checks_failed",
  "time_spent_seconds",
];

export async function workshopResults(context: ServerContext, workshop: Workshop): Promise<string[][]> {
  const { db } = context;
  const [participants, runs] = await Promise.all([db.listParticipants(workshop.id), db.listWorkshopRuns(workshop.id)]);
  const end = workshop.endedAt ?? new Date();
  const lines: string[][] = [];
  for (const participant of participants) {
    for (const scenarioId of workshop.scenarioIds) {
      const scenarioRuns = runs.filter(
        (run) => run.learnerId === participant.learnerId && run.scenarioId === scenarioId,
      );
      const completed = new Set<number>();
      let passed = 0;
      let failed = 0;
      let seconds = 0;
      for (const run of scenarioRuns) {
        for (const step of await db.listStepProgress(run.id)) if (step.completedAt) completed.add(step.stepIndex);
        for (const attempt of await db.listCheckAttempts(run.id)) attempt.passed ? passed++ : failed++;
        const until = run.finishedAt ?? (run.status === "starting" || run.status === "ready" ? end : run.updatedAt);
        seconds += Math.max(0, Math.round((until.getTime() - run.startedAt.getTime()) / 1000));
      }
      const last = scenarioRuns.at(-1);
      lines.push([
        participant.displayName,
        participant.joinedAt.toISOString(),
        scenarioId,
        last?.status ?? "not_started",
        String(completed.size),
        String(context.scenarios(scenarioId)?.scenario.steps.length ?? ""),
        String(passed),
        String(failed),
        String(seconds),
      ]);
    }
  }
  return lines;
}

export function toCsv(header: readonly string[], lines: readonly (readonly string[])[]): string {
  return [header, ...lines]
    .map((line) => line.map(csvCell).join(","))
    .join("\r\n")
    .concat("\r\n");
}

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
