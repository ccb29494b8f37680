// Events: an append-only log of what happened (runs started, checks passed, errors), for analytics
// and audits. Events keep the ids they name even after those runs or learners are gone.
import { z } from "zod";
import type { DbClient } from "./client";
import { type Event, EventSchema, inputFrom, recordFrom } from "./records";

/** The most bytes of JSON an event's data may take. */
export const maxEventDataBytes = 16_384;

export const EventInputSchema = z.object({
  /** A dotted name such as "run.started" or "check.failed". */
  type: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, "use a dotted lower-case name like run.started"),
  runId: z.string().min(1).nullable().optional(),
  learnerId: z.string().min(1).nullable().optional(),
  /** Any JSON-serialisable value; default {}. */
  data: z.unknown().optional(),
  /** Default now. */
  at: z.date().optional(),
});
export type EventInput = z.input<typeof EventInputSchema>;

const SerializedDataSchema = z
  .string({ error: "data must be JSON-serialisable" })
  .refine((json) => Buffer.byteLength(json) <= maxEventDataBytes, `data must take at most ${maxEventDataBytes} bytes`);

export const EventQuerySchema = z.object({
  runId: z.string().min(1).optional(),
  learnerId: z.string().min(1).optional(),
  type: z.string().min(1).optional(),
  /** Default 1000. */
  limit: z.number().int().min(1).max(10_000).optional(),
});
export type EventQuery = z.input<typeof EventQuerySchema>;

export async function recordEvent(client: DbClient, input: EventInput): Promise<Event> {
  const { type, runId, learnerId, data = {}, at = new Date() } = inputFrom(EventInputSchema, "event", input);
  const json = inputFrom(SerializedDataSchema, "event data", JSON.stringify(data));
  const row = await client.event.create({
    data: { type, runId: runId ?? null, learnerId: learnerId ?? null, data: json, createdAt: at },
  });
  return recordFrom(EventSchema, "event", row);
}

/** Events matching every given field, oldest first. */
export async function listEvents(client: DbClient, query: EventQuery = {}): Promise<Event[]> {
  const { limit = 1_000, ...where } = inputFrom(EventQuerySchema, "event query", query);
  const rows = await client.event.findMany({ where, orderBy: { id: "asc" }, take: limit });
  return rows.map((row) => recordFrom(EventSchema, "event", row));
}
