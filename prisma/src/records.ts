// The records the repositories return, as zod schemas with their types inferred. Every row read from
// either database passes through these, so a provider difference (or a bad status string written
// by hand) shows up as an error here rather than as a wrong value in the app.
import { z } from "zod";
import { InvalidRecordError } from "./errors";

export const runStatuses = ["starting", "ready", "failed", "finished", "stopped", "expired", "saved"] as const;
export const RunStatusSchema = z.enum(runStatuses);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** A run in one of these statuses is active: at most one per learner and scenario. */
export const activeRunStatuses: readonly RunStatus[] = ["starting", "ready"];

export const runStages = ["queued", "creating", "starting", "ready"] as const;
export const RunStageSchema = z.enum(runStages);
export type RunStage = z.infer<typeof RunStageSchema>;

export const checkKinds = ["verify", "quiz"] as const;
export const CheckKindSchema = z.enum(checkKinds);
export type CheckKind = z.infer<typeof CheckKindSchema>;

export const LearnerSchema = z.object({
  id: z.string(),
  createdAt: z.date(),
  displayName: z.string().nullable(),
  lastSeenAt: z.date(),
});
export type Learner = z.infer<typeof LearnerSchema>;

export const RunSchema = z.object({
  id: z.string(),
  learnerId: z.string(),
  scenarioId: z.string(),
  status: RunStatusSchema,
  stage: RunStageSchema.nullable(),
  error: z.string().nullable(),
  environmentId: z.string().nullable(),
  currentStep: z.number().int(),
  startedAt: z.date(),
  readyAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  expiresAt: z.date(),
  updatedAt: z.date(),
  /** The workshop it was started in, if any. */
  workshopId: z.string().nullable(),
});
export type Run = z.infer<typeof RunSchema>;

export const StepProgressSchema = z.object({
  runId: z.string(),
  stepIndex: z.number().int(),
  completedAt: z.date().nullable(),
  checkAttempts: z.number().int(),
  firstShownAt: z.date(),
});
export type StepProgress = z.infer<typeof StepProgressSchema>;

export const CheckAttemptSchema = z.object({
  id: z.number().int(),
  runId: z.string(),
  stepIndex: z.number().int(),
  kind: CheckKindSchema,
  passed: z.boolean(),
  hint: z.string().nullable(),
  output: z.string().nullable(),
  durationMs: z.number().int(),
  createdAt: z.date(),
});
export type CheckAttempt = z.infer<typeof CheckAttemptSchema>;

export const EventSchema = z.object({
  id: z.number().int(),
  runId: z.string().nullable(),
  learnerId: z.string().nullable(),
  type: z.string(),
  /** The event's payload, parsed back from the JSON text the database stores. */
  data: z.string().transform((text): unknown => JSON.parse(text)),
  createdAt: z.date(),
});
export type Event = z.output<typeof EventSchema>;

export const RecordingSchema = z.object({
  id: z.string(),
  runId: z.string(),
  terminalId: z.string(),
  cols: z.number().int(),
  rows: z.number().int(),
  startedAt: z.date(),
  endedAt: z.date().nullable(),
  storedBytes: z.number().int(),
  castBytes: z.number().int(),
  truncated: z.boolean(),
  expiresAt: z.date(),
});
export type Recording = z.infer<typeof RecordingSchema>;

/** Parses a row read from the database; extra columns (e.g. `activeSlot`) are dropped. */
export function recordFrom<S extends z.ZodType>(schema: S, what: string, row: unknown): z.output<S> {
  const parsed = schema.safeParse(row);
  if (!parsed.success) throw new InvalidRecordError(`${what} row`, z.prettifyError(parsed.error));
  return parsed.data;
}

/** Parses a caller's input; the error names what was wrong. */
export function inputFrom<S extends z.ZodType>(schema: S, what: string, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidRecordError(what, z.prettifyError(parsed.error));
  return parsed.data;
}
