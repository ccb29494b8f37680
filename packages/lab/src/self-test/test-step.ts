// The self-test of one step, in the order a learner meets it: setup, the check before the work (it
// must fail), the solution, the check after (it must pass), then the quizzes (right and wrong answers).
import { performance } from "node:perf_hooks";
import { type CommandResult, CommandTimedOutError } from "@circus/sandbox";
import type { Script } from "@circus/scenario";
import type { Lab } from "../lab";
import { runCheck } from "../run-check";
import { runScript } from "../run-script";
import { showStep } from "../show-step";
import { pageCommandScripts } from "./page-commands";
import { selfTestQuiz } from "./quiz-answers";
import { capOutput, type StepTestResult } from "./self-test-report";
import { StepTape } from "./step-tape";

/** A step failure found along the way: what went wrong and the output that shows it. */
class StepFailure extends Error {
  constructor(
    readonly reason: string,
    readonly output?: string,
  ) {
    super(reason);
  }
}

export interface TestStepOptions {
  signal?: AbortSignal;
  /** Where the recording of a failing step is written (`<dir>/step-NN.cast`). Default: not kept. */
  recordingsDir?: string;
}

export async function testStep(lab: Lab, index: number, options: TestStepOptions): Promise<StepTestResult> {
  const step = lab.scenario.steps[index]!;
  const started = performance.now();
  const tape = new StepTape(`${lab.scenario.title} — step ${index + 1}: ${step.title}`);
  const scripts = options.signal ? { signal: options.signal } : {};
  const checked: string[] = [];
  const result = (fields: Pick<StepTestResult, "status" | "reason" | "output">): StepTestResult => ({
    index,
    title: step.title,
    detail: checked.length > 0 ? checked.join(", ") : "no check",
    ...fields,
    ...(fields.output ? { output: capOutput(fields.output) } : {}),
    durationMs: Math.round(performance.now() - started),
  });
  try {
    if (step.setup) {
      tape.phase("setup");
      tape.typed(step.setup.script);
    }
    const shown = await inPhase("setup", () => showStep(lab, index, scripts));
    if (shown.setup) tape.printed(outputOf(shown.setup), shown.setup.exitCode);
    if (shown.setup && shown.setup.exitCode !== 0) {
      throw new StepFailure(`setup exited with ${shown.setup.exitCode}`, outputOf(shown.setup));
    }
    let unsolved = false;
    if (step.verify) {
      checked.push("verify");
      unsolved = (await testVerify(lab, index, scripts, tape, (note) => checked.push(note))) === "no-solution";
    }
    if (step.quizzes.length > 0) {
      checked.push("quiz");
      const problems = step.quizzes.flatMap((quiz) => selfTestQuiz(quiz).problem ?? []);
      if (problems.length > 0) throw new StepFailure(problems.join("; "));
    }
    if (unsolved) {
      return result({
        status: "no-solution",
        reason: "no solution to test with: verify fails before, but the step has no solve script and no page commands",
      });
    }
    return result({ status: checked.length > 0 ? "pass" : "skip" });
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    tape.phase(`failed: ${error.reason}`);
    const recording = options.recordingsDir
      ? await tape.save(options.recordingsDir, `step-${String(index + 1).padStart(2, "0")}`)
      : undefined;
    return result({
      status: "fail",
      reason: error.reason,
      ...(error.output ? { output: error.output } : {}),
      ...(recording ? { recording } : {}),
    });
  }
}

async function testVerify(
  lab: Lab,
  index: number,
  options: { signal?: AbortSignal },
  tape: StepTape,
  note: (text: string) => void,
): Promise<"solved" | "no-solution"> {
  const verify = lab.scenario.steps[index]!.verify!.script;
  tape.phase("verify before the solution");
  tape.typed(verify);
  const before = await runCheck(lab, index, options);
  tape.printed(before.output, before.exitCode);
  if (before.timedOut) throw new StepFailure("verify timed out before solve");
  if (before.passed) throw new StepFailure("verify passed before solve", before.output);

  const solutions = solutionsOf(lab, index);
  if (!solutions) return "no-solution";
  if (solutions.fromPage) note("solved with the page's commands");
  for (const solution of solutions.scripts) {
    tape.phase("solve");
    tape.typed(solution.script);
    const solved = await inPhase("solve", () => runScript(lab, solution, options));
    tape.printed(outputOf(solved), solved.exitCode);
    // Page commands may fail on purpose (a learner sees the error); a solve script may not.
    if (!solutions.fromPage && solved.exitCode !== 0) {
      throw new StepFailure(`solve exited with ${solved.exitCode}`, outputOf(solved));
    }
  }

  tape.phase("verify after the solution");
  tape.typed(verify);
  const after = await runCheck(lab, index, options);
  tape.printed(after.output, after.exitCode);
  if (after.timedOut) throw new StepFailure("verify timed out after solve");
  if (!after.passed) throw new StepFailure(`verify failed after solve (exit ${after.exitCode})`, after.output);
  return "solved";
}

function solutionsOf(
  lab: Lab,
  index: number,
): { scripts: Pick<Script, "script" | "host" | "timeoutSeconds">[]; fromPage: boolean } | undefined {
  const step = lab.scenario.steps[index]!;
  if (step.solve) return { scripts: [step.solve], fromPage: false };
  // Only KataCoda and Killercoda have no solve scripts; a native step's solution is its solve script.
  if (lab.scenario.format !== "circus") {
    const scripts = pageCommandScripts(lab.scenario, step);
    if (scripts.length > 0) return { scripts, fromPage: true };
  }
  return undefined;
}

/** Runs a setup or solve script; a timeout becomes a step failure that says which one. */
async function inPhase<T>(phase: "setup" | "solve", run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CommandTimedOutError) throw new StepFailure(`${phase} timed out`);
    throw error;
  }
}

function outputOf(result: CommandResult): string {
  return result.stdout + result.stderr;
}
