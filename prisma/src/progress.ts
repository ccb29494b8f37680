// A learner's progress through a run's steps: when each step was first shown, completed, and every
// check (verify script or quiz) attempted on it.
import { z } from "zod";
import type { DbClient } from "./client";
import { constraintViolationOf } from "./constraint-violations";
import { RunNotFoundError } from "./errors";
import {
  type CheckAttempt,
  CheckAttemptSchema,
  CheckKindSchema,
  inputFrom,
  recordFrom,
  type StepProgress,
  StepProgressSchema,
} from "./records";

/** The most bytes of a check's output that are kept (its end, where the verdict usually is). */
export const maxCheckOutputBytes = 4_096;
const truncationMark = "[… earlier output dropped]\n";

const StepIndexSchema = z.number().int().min(0).max(10_000);

export const CheckAttemptInputSchema = z.object({
  runId: z.string().min(1),
  stepIndex: StepIndexSchema,
  kind: CheckKindSchema,
  passed: z.boolean(),
  hint: z.string().max(2_000).nullable().optional(),
  /** Stored capped to its last 4 KiB. */
  output: z.string().nullable().optional(),
  durationMs: z.number().int().min(0),
  /** Default now. */
  at: z.date().optional(),
});
export type CheckAttemptInput = z.input<typeof CheckAttemptInputSchema>;

/** Records that the step was shown; the first call sets `firstShownAt`, later calls change nothing. */
export async function markStepShown(
  client: DbClient,
  runId: string,
  stepIndex: number,
  at: Date = new Date(),
): Promise<StepProgress> {
  return upsertProgress(client, runId, inputFrom(StepIndexSchema, "step index", stepIndex), at, null);
}

/** Marks the step completed; the first completion time is kept. */
export async function completeStep(
  client: DbClient,
  runId: string,
  stepIndex: number,
  at: Date = new Date(),
): Promise<StepProgress> {
  const index = inputFrom(StepIndexSchema, "step index", stepIndex);
  const progress = await upsertProgress(client, runId, index, at, at);
  if (progress.completedAt !== null) return progress;
  const row = await client.stepProgress.update({
    where: { runId_stepIndex: { runId, stepIndex: index } },
    data: { completedAt: at },
  });
  return recordFrom(StepProgressSchema, "step progress", row);
}

/**
 * Marks the step completed when it is not yet, and says whether this call completed it: one statement in the
 * usual case (the step has progress and is open), where completeStep takes a read and a write.
 */
export async function completeOpenStep(
  client: DbClient,
  runId: string,
  stepIndex: number,
  at: Date = new Date(),
): Promise<boolean> {
  const index = inputFrom(StepIndexSchema, "step index", stepIndex);
  const { count } = await client.stepProgress.updateMany({
    where: { runId, stepIndex: index, completedAt: null },
    data: { completedAt: at },
  });
  if (count > 0) return true;
  const found = await client.stepProgress.findUnique({ where: { runId_stepIndex: { runId, stepIndex: index } } });
  if (found) return false;
  const progress = await completeStep(client, runId, index, at);
  return progress.completedAt?.getTime() === at.getTime();
}

/** Stores one check attempt and counts it in the step's progress, in one transaction. */
export async function recordCheckAttempt(client: DbClient, input: CheckAttemptInput): Promise<CheckAttempt> {
  const { at = new Date(), hint, output, ...attempt } = inputFrom(CheckAttemptInputSchema, "check attempt", input);
  try {
    return await client.$transaction(async (tx) => {
      const row = await tx.checkAttempt.create({
        data: { ...attempt, hint: hint ?? null, output: output == null ? null : capOutput(output), createdAt: at },
      });
      await tx.stepProgress.upsert({
        where: { runId_stepIndex: { runId: attempt.runId, stepIndex: attempt.stepIndex } },
        create: {
          runId: attempt.runId,
          stepIndex: attempt.stepIndex,
          firstShownAt: at,
          checkAttempts: 1,
          completedAt: null,
        },
        update: { checkAttempts: { increment: 1 } },
      });
      return recordFrom(CheckAttemptSchema, "check attempt", row);
    });
  } catch (error) {
    if (constraintViolationOf(error)?.kind === "foreign-key") throw new RunNotFoundError(attempt.runId);
    throw error;
  }
}

/** The run's step progress, by step index. */
export async function listStepProgress(client: DbClient, runId: string): Promise<StepProgress[]> {
  const rows = await client.stepProgress.findMany({ where: { runId }, orderBy: { stepIndex: "asc" } });
  return rows.map((row) => recordFrom(StepProgressSchema, "step progress", row));
}

/** The run's check attempts (of one step when given), oldest first. */
export async function listCheckAttempts(client: DbClient, runId: string, stepIndex?: number): Promise<CheckAttempt[]> {
  const rows = await client.checkAttempt.findMany({
    where: stepIndex === undefined ? { runId } : { runId, stepIndex },
    orderBy: { id: "asc" },
  });
  return rows.map((row) => recordFrom(CheckAttemptSchema, "check attempt", row));
}

async function upsertProgress(
  client: DbClient,
  runId: string,
  stepIndex: number,
  at: Date,
  completedAt: Date | null,
): Promise<StepProgress> {
  try {
    const row = await client.stepProgress.upsert({
      where: { runId_stepIndex: { runId, stepIndex } },
      create: { runId, stepIndex, firstShownAt: at, checkAttempts: 0, completedAt },
      update: {},
    });
    return recordFrom(StepProgressSchema, "step progress", row);
  } catch (error) {
    if (constraintViolationOf(error)?.kind === "foreign-key") throw new RunNotFoundError(runId);
    throw error;
  }
}

/** The end of `output` in at most `maxCheckOutputBytes` UTF-8 bytes, marked when something was cut. */
export function capOutput(output: string): string {
  const bytes = Buffer.from(output, "utf8");
  if (bytes.length <= maxCheckOutputBytes) return output;
  const keep = maxCheckOutputBytes - Buffer.byteLength(truncationMark);
  let start = bytes.length - keep;
  // Never start inside a multi-byte character (continuation bytes are 0b10xxxxxx).
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return truncationMark + bytes.subarray(start).toString("utf8");
}
