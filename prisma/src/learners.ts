// Learners: anonymous people identified by the id in their signed cookie.
import { z } from "zod";
import type { DbClient } from "./client";
import { newRandomId, RandomIdSchema } from "./random-id";
import { inputFrom, type Learner, LearnerSchema, recordFrom } from "./records";

export const EnsureLearnerInputSchema = z.object({
  /** The id from the learner's cookie; a new random id when absent. */
  id: RandomIdSchema.optional(),
  /** Sets the display name when given (null clears it); left alone when absent. */
  displayName: z.string().trim().min(1).max(80).nullable().optional(),
  /** The time of this visit (default now): sets `lastSeenAt`, and `createdAt` of a new learner. */
  at: z.date().optional(),
});
export type EnsureLearnerInput = z.input<typeof EnsureLearnerInputSchema>;

/**
 * Returns the learner with this id, creating it when missing (a cookie signed by this server
 * whose learner was deleted gets its row back), and records the visit in `lastSeenAt`.
 */
export async function ensureLearner(client: DbClient, input: EnsureLearnerInput = {}): Promise<Learner> {
  const { id = newRandomId(), displayName, at = new Date() } = inputFrom(EnsureLearnerInputSchema, "learner", input);
  const row = await client.learner.upsert({
    where: { id },
    create: { id, displayName: displayName ?? null, createdAt: at, lastSeenAt: at },
    update: { lastSeenAt: at, ...(displayName === undefined ? {} : { displayName }) },
  });
  return recordFrom(LearnerSchema, "learner", row);
}

export async function getLearner(client: DbClient, id: string): Promise<Learner | null> {
  if (!RandomIdSchema.safeParse(id).success) return null;
  const row = await client.learner.findUnique({ where: { id } });
  return row === null ? null : recordFrom(LearnerSchema, "learner", row);
}
