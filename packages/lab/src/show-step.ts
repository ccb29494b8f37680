// Showing a step: its background setup runs once per step per lab (concurrent calls share the run;
// a setup that throws may run again), then the text to type into the first terminal is returned.
import type { CommandResult } from "@circus/sandbox";
import { type Lab, stepOf } from "./lab";
import { runScript } from "./run-script";

export interface ShownStep {
  /** Typed into the first terminal by the UI when the step shows. */
  foreground?: string;
  /** The setup's result when this call ran it (undefined when there is none or it ran before). */
  setup?: CommandResult;
}

const setupRuns = new WeakMap<Lab, Map<number, Promise<CommandResult | undefined>>>();

export async function showStep(
  lab: Lab,
  stepIndex: number,
  options: { signal?: AbortSignal } = {},
): Promise<ShownStep> {
  const step = stepOf(lab, stepIndex);
  const runs = runsOf(lab);
  let run = runs.get(stepIndex);
  let ranHere = false;
  if (!run) {
    const setup = step.setup;
    run = setup ? runScript(lab, setup, options) : Promise.resolve(undefined);
    runs.set(stepIndex, run);
    ranHere = true;
    run.catch(() => runs.delete(stepIndex));
  }
  const result = await run;
  return {
    ...(step.foreground ? { foreground: step.foreground.script } : {}),
    ...(ranHere && result ? { setup: result } : {}),
  };
}

/** Records that a step's setup already ran (attachLab uses it for steps shown before a restart). */
export function markSetupDone(lab: Lab, stepIndex: number): void {
  runsOf(lab).set(stepIndex, Promise.resolve(undefined));
}

function runsOf(lab: Lab): Map<number, Promise<CommandResult | undefined>> {
  let runs = setupRuns.get(lab);
  if (!runs) {
    runs = new Map();
    setupRuns.set(lab, runs);
  }
  return runs;
}
