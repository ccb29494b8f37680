// Saved labs: a run its learner saved ("Save and leave") with the checkpoint images of its hosts, kept
// until `expiresAt`; their sizes summed per learner are what the storage cap is checked against.
import { z } from "zod";
import type { DbClient } from "./client";
import { constraintViolationOf } from "./constraint-violations";
import { RunNotFoundError } from "./errors";
import { RandomIdSchema } from "./random-id";
import { inputFrom, recordFrom } from "./records";

const ImagesSchema = z.record(z.string().min(1).max(63), z.string().min(1).max(300));

export const SavedLabSchema = z.object({
  runId: z.string(),
  learnerId: z.string(),
  step: z.number().int(),
  /** Host name -> checkpoint image; stored as JSON text. */
  images: z.string().transform((text) => ImagesSchema.parse(JSON.parse(text))),
  sizeKiB: z.number().int(),
  savedAt: z.date(),
  expiresAt: z.date(),
});
export type SavedLab = z.output<typeof SavedLabSchema>;

export const SaveLabInputSchema = z.object({
  runId: RandomIdSchema,
  learnerId: RandomIdSchema,
  step: z.number().int().min(0),
  images: ImagesSchema,
  sizeKiB: z.number().int().min(0),
  expiresAt: z.date(),
  /** `savedAt`; default now. */
  at: z.date().optional(),
});
export type SaveLabInput = z.input<typeof SaveLabInputSchema>;

/** Records (or replaces) the saved lab of a run. Throws RunNotFoundError for an unknown run. */
export async function saveLab(client: DbClient, input: SaveLabInput): Promise<SavedLab> {
  const { at = new Date(), images, ...fields } = inputFrom(SaveLabInputSchema, "saved lab", input);
  const data = { ...fields, images: JSON.stringify(images), savedAt: at };
  try {
    const row = await client.savedLab.upsert({ where: { runId: fields.runId }, create: data, update: data });
    return recordFrom(SavedLabSchema, "saved lab", row);
  } catch (error) {
    if (constraintViolationOf(error)?.kind === "foreign-key") throw new RunNotFoundError(fields.runId);
    throw error;
  }
}

export async function getSavedLab(client: DbClient, runId: string): Promise<SavedLab | null> {
  if (!RandomIdSchema.safeParse(runId).success) return null;
  const row = await client.savedLab.findUnique({ where: { runId } });
  return row === null ? null : recordFrom(SavedLabSchema, "saved lab", row);
}

/** A learner's saved labs, newest first. */
export async function listSavedLabs(client: DbClient, learnerId: string): Promise<SavedLab[]> {
  const rows = await client.savedLab.findMany({ where: { learnerId }, orderBy: [{ savedAt: "desc" }] });
  return rows.map((row) => recordFrom(SavedLabSchema, "saved lab", row));
}

/** Saved labs past `expiresAt` (for the reaper), oldest first. */
export async function listExpiredSavedLabs(client: DbClient, now: Date = new Date()): Promise<SavedLab[]> {
  const rows = await client.savedLab.findMany({
    where: { expiresAt: { lt: now } },
    orderBy: [{ expiresAt: "asc" }],
    take: 1_000,
  });
  return rows.map((row) => recordFrom(SavedLabSchema, "saved lab", row));
}

/** Deletes a run's saved lab; true when there was one. */
export async function deleteSavedLab(client: DbClient, runId: string): Promise<boolean> {
  return (await client.savedLab.deleteMany({ where: { runId } })).count > 0;
}

export interface SavedLabRepositories {
  saveLab(input: SaveLabInput): Promise<SavedLab>;
  getSavedLab(runId: string): Promise<SavedLab | null>;
  listSavedLabs(learnerId: string): Promise<SavedLab[]>;
  listExpiredSavedLabs(now?: Date): Promise<SavedLab[]>;
  deleteSavedLab(runId: string): Promise<boolean>;
}

export function savedLabRepositoriesFor(client: DbClient): SavedLabRepositories {
  return {
    saveLab: (input) => saveLab(client, input),
    getSavedLab: (runId) => getSavedLab(client, runId),
    listSavedLabs: (learnerId) => listSavedLabs(client, learnerId),
    listExpiredSavedLabs: (now) => listExpiredSavedLabs(client, now),
    deleteSavedLab: (runId) => deleteSavedLab(client, runId),
  };
}
