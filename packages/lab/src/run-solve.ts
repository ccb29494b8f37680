// Running a step's solve script: what the self-test and the "show me" button do.
import type { CommandResult } from "@circus/sandbox";
import { type Lab, stepOf } from "./lab";
import { NoSolveScriptError } from "./lab-errors";
import { runScript } from "./run-script";

export async function runSolve(
  lab: Lab,
  stepIndex: number,
  options: { signal?: AbortSignal } = {},
): Promise<CommandResult> {
  const step = stepOf(lab, stepIndex);
  if (!step.solve) throw new NoSolveScriptError(stepIndex);
  return await runScript(lab, step.solve, options);
}
