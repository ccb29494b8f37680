// What a scenario self-test reports, per scenario and per step. The schemas are the contract of
// `circus test --json`; the types are inferred from them.
import { z } from "zod";

/**
 * "no-solution": the step has a verify but neither a solve script nor page commands, so the self-test
 * could only show that verify fails before any work; it is not a failure of the scenario.
 */
export const StepTestStatusSchema = z.enum(["pass", "fail", "skip", "no-solution"]);
export type StepTestStatus = z.infer<typeof StepTestStatusSchema>;

export const StepTestResultSchema = z.object({
  /** 0-based step index. */
  index: z.number().int().min(0),
  title: z.string(),
  status: StepTestStatusSchema,
  /** What was tested ("verify", "quiz", "verify, quiz") or why nothing was ("no check", "an earlier step failed"). */
  detail: z.string(),
  /** Why the step failed, e.g. "verify passed before solve". */
  reason: z.string().optional(),
  /** The output of the script that failed, capped to its last MAX_FAILURE_OUTPUT characters. */
  output: z.string().optional(),
  /** Where the failing step's recording (asciicast v2: its scripts and their output) was written. */
  recording: z.string().optional(),
  durationMs: z.number().int().min(0),
});
export type StepTestResult = z.infer<typeof StepTestResultSchema>;

export const ScenarioTestReportSchema = z.object({
  /** The scenario folder as given. */
  path: z.string(),
  /** The scenario's title (the folder name when it could not be loaded). */
  title: z.string(),
  passed: z.boolean(),
  /** Why the scenario failed before or outside its steps (invalid, the environment did not start, aborted). */
  error: z.string().optional(),
  aborted: z.boolean(),
  durationMs: z.number().int().min(0),
  steps: z.array(StepTestResultSchema),
});
export type ScenarioTestReport = z.infer<typeof ScenarioTestReportSchema>;

/** Characters of failing output kept in a step result (the end, where scripts say what went wrong). */
export const MAX_FAILURE_OUTPUT = 2000;

export function capOutput(output: string): string {
  return output.length <= MAX_FAILURE_OUTPUT ? output : `…${output.slice(-MAX_FAILURE_OUTPUT)}`;
}
