// What a learner does on a step: show it (background setup once), check it (verify script), answer its
// quizzes, read its solution. Attempts are recorded; a step completes once all its gates have passed.
import type { CheckKind, Run } from "@circus/db";
import { gradeStepQuizzes, type QuizAnswer, runCheck, showStep } from "@circus/lab";
import type { Step } from "@circus/scenario";
import { checkpointCompletedStep } from "../checkpoints/run-checkpoints";
import type { ServerContext } from "../context";
import { AppError } from "../http/errors";
import { requireOwnedRun, requireReadyLab } from "./run-access";

export interface StepRef {
  learnerId: string;
  runId: string;
  index: number;
}

export async function showRunStep(context: ServerContext, ref: StepRef): Promise<{ foreground?: string }> {
  const { run, lab, scenario } = await requireReadyLab(context, ref.learnerId, ref.runId);
  const step = reachableStep(run, scenario.steps, ref.index);
  const shown = await showStep(lab, ref.index);
  if (shown.setup && shown.setup.exitCode !== 0) {
    context.logger.warn(
      { run: run.id, scenario: scenario.id, step: ref.index, exitCode: shown.setup.exitCode, title: step.title },
      "a step's background setup failed",
    );
  }
  await context.db.markStepShown(run.id, ref.index);
  return shown.foreground === undefined ? {} : { foreground: shown.foreground };
}

export async function checkRunStep(context: ServerContext, ref: StepRef): Promise<{ passed: boolean; hint?: string }> {
  const { run, lab, scenario } = await requireReadyLab(context, ref.learnerId, ref.runId);
  const step = reachableStep(run, scenario.steps, ref.index);
  let result: Awaited<ReturnType<typeof runCheck>>;
  try {
    result = await runCheck(lab, ref.index);
  } catch (error) {
    context.metrics.checkResults.inc({ result: "error" });
    throw error;
  }
  await recordAttempt(context, run, step, ref.index, "verify", {
    passed: result.passed,
    hint: result.hint ?? null,
    output: result.output,
    durationMs: result.durationMs,
  });
  return result.passed ? { passed: true } : { passed: false, ...(result.hint ? { hint: result.hint } : {}) };
}

export async function answerRunQuiz(
  context: ServerContext,
  ref: StepRef,
  answers: Record<string, QuizAnswer>,
): Promise<{ passed: boolean; results: Record<string, boolean> }> {
  const { run, scenario } = await requireOwnedRun(context, ref.learnerId, ref.runId);
  if (run.status !== "ready") throw new AppError("run_ended", "This run is not active: start a new one.");
  const step = reachableStep(run, scenario.steps, ref.index);
  if (step.quizzes.length === 0) throw new AppError("invalid_request", "This step has no quiz.");
  const grades = gradeStepQuizzes(step, answers);
  await recordAttempt(context, run, step, ref.index, "quiz", {
    passed: grades.passed,
    hint: null,
    output: null,
    durationMs: 0,
  });
  return grades;
}

export async function runStepSolution(context: ServerContext, ref: StepRef): Promise<{ solution: string }> {
  const { run, scenario } = await requireOwnedRun(context, ref.learnerId, ref.runId);
  const step = reachableStep(run, scenario.steps, ref.index);
  if (!step.solve) throw new AppError("no_solve_script", "This step has no solution to show.");
  await context.db.recordEvent({
    type: "step.solution_shown",
    runId: run.id,
    learnerId: run.learnerId,
    data: { step: ref.index },
  });
  return { solution: step.solve.script };
}

/** Whether a step's gates (its verify script, its quizzes) have all passed, from its attempts. */
export function stepGatesPassed(
  step: Pick<Step, "verify" | "quizzes">,
  attempts: { kind: CheckKind; passed: boolean }[],
) {
  const passedKind = (kind: CheckKind) => attempts.some((attempt) => attempt.kind === kind && attempt.passed);
  return (!step.verify || passedKind("verify")) && (step.quizzes.length === 0 || passedKind("quiz"));
}

/** The step, when it exists and the learner has reached it (steps ahead stay locked). */
function reachableStep(run: Run, steps: readonly Step[], index: number): Step {
  const step = steps[index];
  if (!step) throw new AppError("step_not_found", `This scenario has no step ${index + 1}.`);
  if (index > run.currentStep) throw new AppError("step_not_current", "Finish the current step first.");
  return step;
}

async function recordAttempt(
  context: ServerContext,
  run: Run,
  step: Step,
  index: number,
  kind: CheckKind,
  attempt: { passed: boolean; hint: string | null; output: string | null; durationMs: number },
): Promise<void> {
  const { db, metrics } = context;
  await db.recordCheckAttempt({ runId: run.id, stepIndex: index, kind, ...attempt });
  context.recordings.mark(
    run.id,
    `${kind === "quiz" ? "Quiz" : "Check"} ${attempt.passed ? "passed" : "failed"} (step ${index + 1})`,
  );
  metrics.checkResults.inc({ result: attempt.passed ? "passed" : "failed" });
  await db.recordEvent({
    type: attempt.passed ? "check.passed" : "check.failed",
    runId: run.id,
    learnerId: run.learnerId,
    data: { step: index, kind, durationMs: attempt.durationMs },
  });
  if (attempt.passed && (onlyGate(step, kind) || stepGatesPassed(step, await db.listCheckAttempts(run.id, index)))) {
    // A Check passed again (pressed twice, a learner back on a finished step) takes no second checkpoint: each
    // would commit every host again. A step completed before whose checkpoint is gone (rewound) takes it anew.
    const completedNow = await db.completeOpenStep(run.id, index);
    if (completedNow || !(await hasStepCheckpoint(context, run.id, index)))
      checkpointCompletedStep(context, run, index);
  }
}

/** Whether `kind` is the step's only gate: then this attempt passing passes the step, with no look at earlier ones. */
function onlyGate(step: Pick<Step, "verify" | "quizzes">, kind: CheckKind): boolean {
  return kind === "verify" ? step.quizzes.length === 0 : !step.verify;
}

/** Whether the run has a checkpoint of step `index` (always true when checkpoints are off: nothing to take). */
async function hasStepCheckpoint(context: ServerContext, runId: string, index: number): Promise<boolean> {
  if (context.config.checkpointsPerRun === 0) return true;
  const checkpoints = await context.checkpoints.list(runId);
  return checkpoints.some((checkpoint) => checkpoint.kind === "step" && checkpoint.step === index);
}
