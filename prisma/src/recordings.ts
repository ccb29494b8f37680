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

/**
 * Stores one chunk: a single insert, no interactive transaction (on SQLite one would hold the only
 * connection while other requests' queries wait or fail). The recording's totals are set when it ends.
 */
export async function appendRecordingChunk(client: DbClient, input: AppendRecordingChunkInput): Promise<void> {
  const { recordingId, seq, data, castBytes } = inputFrom(AppendRecordingChunkInputSchema, "recording chunk", input);
  await client.recordingChunk.create({
    data: { recordingId, seq, data: new Uint8Array(data), bytes: data.byteLength, castBytes },
  });
}

const ChunkSizesSchema = z.object({ bytes: z.number().int(), castBytes: z.number().int() });

/** Marks the recording ended (and whether the run's cap cut it short), with its totals summed from its chunks. */
export async function finishRecording(
  client: DbClient,
  id: string,
  fields: { truncated: boolean; at?: Date },
): Promise<void> {
  const chunks = await client.recordingChunk.findMany({
    where: { recordingId: id },
    select: { bytes: true, castBytes: true },
  });
  const sizes = chunks.map((row) => recordFrom(ChunkSizesSchema, "recording chunk", row));
  await client.recording.updateMany({
    where: { id },
    data: {
      endedAt: fields.at ?? new Date(),
      truncated: fields.truncated,
      storedBytes: sizes.reduce((sum, size) => sum + size.bytes, 0),
      castBytes: sizes.reduce((sum, size) => sum + size.castBytes, 0),
    },
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

/** Compressed bytes the run's recordings hold (what its cap counts), summed from their chunks. */
export async function runRecordingBytes(client: DbClient, runId: string): Promise<number> {
  const rows = await client.recordingChunk.findMany({ where: { recording: { runId } }, select: { bytes: true } });
  return rows.reduce<number>((sum, row) => sum + recordFrom(ChunkBytesSchema, "recording chunk", row).bytes, 0);
}

const ChunkBytesSchema = z.object({ bytes: z.number().int() });

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
