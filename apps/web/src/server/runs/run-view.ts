// What the player sees of a run (GET /api/runs/:runId): its status, its steps and where to reach its
// terminals and port previews (the shape is declared once, in contract/run-view.ts). Built from the database record and the scenario; host states come from the
// runtime's memory (run-hosts.ts), never from a call to the engine.
import type { Run, StepProgress } from "@circus/db";
import type { Scenario } from "@circus/scenario";
import type { HostStateView, RunView } from "../../contract/run-view";

export type { HostStateView, RunView } from "../../contract/run-view";

export function toRunView(
  run: Run,
  scenario: Scenario,
  progress: readonly StepProgress[],
  live: {
    /** Whether "Save and leave" is offered (saving-allowed.ts). */
    savingAllowed: boolean;
    /** The hosts' states, while the run has a live environment. */
    hostStates?: HostStateView[] | undefined;
  },
): RunView {
  const { hostStates } = live;
  const completed = new Set(progress.filter((step) => step.completedAt !== null).map((step) => step.stepIndex));
  return {
    id: run.id,
    scenarioId: run.scenarioId,
    status: run.status,
    stage: run.stage,
    ...(run.error ? { error: run.error } : {}),
    currentStep: run.currentStep,
    steps: scenario.steps.map((step, index) => ({ index, title: step.title, completed: completed.has(index) })),
    expiresAt: run.expiresAt.toISOString(),
    hosts: scenario.hosts.map((host) => host.name),
    ...(hostStates ? { hostStates } : {}),
    savingAllowed: live.savingAllowed,
    terminals: scenario.terminals.map(({ id, title, host }) => ({ id, title, host })),
    ports: scenario.ports.map(({ host, port, title, path }) => ({
      host,
      port,
      title,
      path,
      url: `/preview/${encodeURIComponent(run.id)}/${host}/${port}/`,
    })),
  };
}
