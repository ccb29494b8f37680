// Terminal recordings: one row per recorded terminal of a run and its gzip chunks (asciicast v2 lines),
// appended in batches by the web server, read back in order for a download, deleted by the reaper.
import { z } from "zod";
import type { DbClient } from "./client";
import { constraintViolationOf } from "./constraint-violations";
import { RunNotFoundError } from "./errors";
import { newRandomId, RandomIdSchema } from "./random-id";
import { inputFrom, type Recording, RecordingSchema, recordFrom } from "./records";

/** The largest single chunk accepted (the recorder flushes far smaller batches). */
export const maxRecordingChunkBytes = 1024 * 1024;

export const CreateRecordingInputSchema = z.object({
  runId: RandomIdSchema,
  terminalId: z.string().min(1).max(100),
  cols: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(1000),
  expiresAt: z.date(),
  /** `startedAt`; default now. */
  at: z.date().optional(),
});
export type CreateRecordingInput = z.input<typeof CreateRecordingInputSchema>;

export const AppendRecordingChunkInputSchema = z.object({
  recordingId: RandomIdSchema,
  seq: z.number().int().min(0),
  data: z
    .custom<Uint8Array>((value) => value instanceof Uint8Array, "bytes (a Uint8Array)")
    .refine((data) => data.byteLength <= maxRecordingChunkBytes, "chunk too large"),
  /** The asciicast bytes this chunk holds before compression. */
  castBytes: z.number().int().min(0),
});
export type AppendRecordingChunkInput = z.input<typeof AppendRecordingChunkInputSchema>;

export async function createRecording(client: DbClient, input: CreateRecordingInput): Promise<Recording> {
  const { at = new Date(), ...fields } = inputFrom(CreateRecordingInputSchema, "recording", input);
  try {
    const row = await client.recording.create({ data: { id: newRandomId(), ...fields, startedAt: at } });
    return recordFrom(RecordingSchema, "recording", row);
  } catch (error) {
    if (constraintViolationOf(error)?.kind === "foreign-key") throw new RunNotFoundError(fields.runId);
    throw error;
  }
}

/** Stores one chunk and adds its sizes to the recording's totals, in one transaction. */
export async function appendRecordingChunk(client: DbClient, input: AppendRecordingChunkInput): Promise<void> {
  const { recordingId, seq, data, castBytes } = inputFrom(AppendRecordingChunkInputSchema, "recording chunk", input);
  await client.$transaction(async (tx) => {
    await tx.recordingChunk.create({ data: { recordingId, seq, data: new Uint8Array(data) } });
    await tx.recording.update({
      where: { id: recordingId },
      data: { storedBytes: { increment: data.byteLength }, castBytes: { increment: castBytes } },
    });
  });
}

/** Marks the recording ended (and whether the run's cap cut it short). */
export async function finishRecording(
  client: DbClient,
  id: string,
  fields: { truncated: boolean; at?: Date },
): Promise<void> {
  await client.recording.updateMany({
    where: { id },
    data: { endedAt: fields.at ?? new Date(), truncated: fields.truncated },
  });
}

export async function getRecording(client: DbClient, id: string): Promise<Recording | null> {
  if (!RandomIdSchema.safeParse(id).success) return null;
  const row = await client.recording.findUnique({ where: { id } });
  return row === null ? null : recordFrom(RecordingSchema, "recording", row);
}

/** The run's recordings, oldest first. */
export async function listRecordings(client: DbClient, runId: string): Promise<Recording[]> {
  const rows = await client.recording.findMany({ where: { runId }, orderBy: { startedAt: "asc" }, take: 1_000 });
  return rows.map((row) => recordFrom(RecordingSchema, "recording", row));
}

const StoredBytesSchema = z.object({ storedBytes: z.number().int() });

/** Compressed bytes the run's recordings hold (what its cap counts). */
export async function runRecordingBytes(client: DbClient, runId: string): Promise<number> {
  const rows = await client.recording.findMany({ where: { runId }, select: { storedBytes: true } });
  return rows.reduce<number>((sum, row) => sum + recordFrom(StoredBytesSchema, "recording", row).storedBytes, 0);
}

const ChunkRowSchema = z.object({ seq: z.number().int(), data: z.instanceof(Uint8Array) });

/** Chunks after `afterSeq` (default: from the first), in order, at most `take` (default 16). */
export async function readRecordingChunks(
  client: DbClient,
  recordingId: string,
  page: { afterSeq?: number; take?: number } = {},
): Promise<{ seq: number; data: Uint8Array }[]> {
  const rows = await client.recordingChunk.findMany({
    where: { recordingId, seq: { gt: page.afterSeq ?? -1 } },
    orderBy: { seq: "asc" },
    take: Math.min(Math.max(page.take ?? 16, 1), 256),
  });
  return rows.map((row) => recordFrom(ChunkRowSchema, "recording chunk", row));
}

/** Deletes recordings (and their chunks) whose retention ended before `now`; returns how many. */
export async function deleteExpiredRecordings(client: DbClient, now: Date = new Date()): Promise<number> {
  const { count } = await client.recording.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
