// The shapes the player reads from the runs API (see the web contract), parsed with zod at the boundary
// so a server change shows up as one clear error instead of undefined fields deep in the UI.
import { z } from "zod";

export const RunStatusSchema = z.enum(["starting", "ready", "failed", "finished", "stopped", "expired"]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const RunStageSchema = z.enum(["queued", "creating", "starting", "ready"]);
export type RunStage = z.infer<typeof RunStageSchema>;

export const RunViewSchema = z.object({
  id: z.string(),
  scenarioId: z.string(),
  status: RunStatusSchema,
  stage: RunStageSchema.nullish(),
  error: z.string().nullish(),
  /** 0-based; steps.length means the scenario is finished. */
  currentStep: z.number().int().min(0),
  steps: z.array(z.object({ index: z.number().int(), title: z.string(), completed: z.boolean() })),
  expiresAt: z.string(),
  hosts: z.array(z.string()),
  /** Present while the run has a live environment: a stopped host carries the message to show. */
  hostStates: z
    .array(z.object({ name: z.string(), state: z.enum(["running", "stopped"]), message: z.string().nullish() }))
    .nullish(),
  terminals: z.array(z.object({ id: z.string(), title: z.string(), host: z.string() })),
  ports: z.array(
    z.object({ host: z.string(), port: z.number().int(), title: z.string(), path: z.string(), url: z.string() }),
  ),
});
export type RunView = z.infer<typeof RunViewSchema>;

export const RunEnvelopeSchema = z.object({ run: RunViewSchema });
export const ShowStepResultSchema = z.object({ foreground: z.string().nullish() });
export const CheckResultSchema = z.object({ passed: z.boolean(), hint: z.string().nullish() });
export type CheckResult = z.infer<typeof CheckResultSchema>;
export const QuizResultSchema = z.object({ passed: z.boolean(), results: z.record(z.string(), z.boolean()) });
export type QuizResult = z.infer<typeof QuizResultSchema>;
export const SolutionSchema = z.object({ solution: z.string() });
export const FileContentSchema = z.object({ content: z.string() });
export const ApiErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** True while the environment is still being prepared. */
export function isStarting(run: Pick<RunView, "status">): boolean {
  return run.status === "starting";
}

/** True once the run can no longer be used (its environment is gone or going). */
export function isOver(run: Pick<RunView, "status">): boolean {
  return run.status === "finished" || run.status === "stopped" || run.status === "expired";
}
