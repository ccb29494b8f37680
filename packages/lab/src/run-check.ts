// Checking a step: its verify script passes on exit 0 (or, with KataCoda's passOnDone, when its last
// output line is "done"). A failure carries a hint: the script's last words, else the step's hint.
import { performance } from "node:perf_hooks";
import { type CommandResult, CommandTimedOutError } from "@circus/sandbox";
import type { Step, Verify } from "@circus/scenario";
import { type Lab, stepOf } from "./lab";
import { runScript } from "./run-script";

export interface CheckResult {
  passed: boolean;
  /** On failure: the last non-empty line of stdout (else of stderr), else the step's hint. */
  hint?: string;
  /** stdout then stderr. */
  output: string;
  /** null when the script did not finish (timed out) or there is no verify script. */
  exitCode: number | null;
  durationMs: number;
  timedOut: boolean;
}

export async function runCheck(
  lab: Lab,
  stepIndex: number,
  options: { signal?: AbortSignal } = {},
): Promise<CheckResult> {
  const step = stepOf(lab, stepIndex);
  if (!step.verify) return { passed: true, output: "", exitCode: null, durationMs: 0, timedOut: false };
  const started = performance.now();
  let result: CommandResult;
  try {
    result = await runScript(lab, step.verify, options);
  } catch (error) {
    if (!(error instanceof CommandTimedOutError)) throw error;
    return {
      passed: false,
      hint: `The check did not finish within ${step.verify.timeoutSeconds} s and was stopped.${step.hint ? ` ${step.hint.trim()}` : ""}`,
      output: "",
      exitCode: null,
      durationMs: Math.round(performance.now() - started),
      timedOut: true,
    };
  }
  return checkOutcome(step, step.verify, result);
}

/** Turns a finished verify script into a CheckResult (pure, so it is tested without an engine). */
export function checkOutcome(
  step: Pick<Step, "hint">,
  verify: Pick<Verify, "passOnDone">,
  result: CommandResult,
): CheckResult {
  const passed = result.exitCode === 0 || (verify.passOnDone && lastLine(result.stdout) === "done");
  const hint = passed ? undefined : (lastLine(result.stdout) ?? lastLine(result.stderr) ?? step.hint?.trim());
  return {
    passed,
    ...(hint ? { hint } : {}),
    output: result.stdout + result.stderr,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    timedOut: false,
  };
}

function lastLine(text: string): string | undefined {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  return lines.filter((line) => line !== "").at(-1);
}
