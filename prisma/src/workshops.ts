// Workshops (an instructor's time slot with scenarios in order, a capacity and a join code) and their
// participants (learners who joined with the code and a display name). Capacity is checked on join.
import { z } from "zod";
import type { DbClient } from "./client";
import { constraintViolationOf } from "./constraint-violations";
import { JoinCodeTakenError, WorkshopFullError, WorkshopNotFoundError } from "./errors";
import { newRandomId, RandomIdSchema } from "./random-id";
import { inputFrom, recordFrom } from "./records";

const ScenarioIdsSchema = z.array(z.string().trim().min(1).max(200)).min(1).max(50);

export const WorkshopSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  title: z.string(),
  /** Stored as JSON text. */
  scenarioIds: z.string().transform((text) => ScenarioIdsSchema.parse(JSON.parse(text))),
  startsAt: z.date(),
  endsAt: z.date(),
  capacity: z.number().int(),
  ttlSeconds: z.number().int(),
  reserveMinutes: z.number().int(),
  joinCode: z.string(),
  endedAt: z.date().nullable(),
  /** Whether participants may save their labs and resume them later. */
  allowSaving: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Workshop = z.output<typeof WorkshopSchema>;

export const ParticipantSchema = z.object({
  id: z.string(),
  workshopId: z.string(),
  learnerId: z.string(),
  displayName: z.string(),
  joinedAt: z.date(),
});
export type Participant = z.infer<typeof ParticipantSchema>;

const WorkshopFieldsSchema = z.object({
  title: z.string().trim().min(1).max(200),
  scenarioIds: ScenarioIdsSchema,
  startsAt: z.date(),
  endsAt: z.date(),
  capacity: z.number().int().min(1).max(1_000),
  ttlSeconds: z.number().int().min(60).max(86_400),
  reserveMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
  /** Default true. */
  allowSaving: z.boolean().optional(),
});

export const CreateWorkshopInputSchema = WorkshopFieldsSchema.extend({
  ownerId: z.string().min(1),
  joinCode: z.string().min(10).max(64),
  at: z.date().optional(),
}).refine((input) => input.endsAt > input.startsAt, "endsAt must be after startsAt");
export type CreateWorkshopInput = z.input<typeof CreateWorkshopInputSchema>;

export const WorkshopPatchSchema = WorkshopFieldsSchema.partial();
export type WorkshopPatch = z.input<typeof WorkshopPatchSchema>;

/** `JoinCodeTakenError` when the code collides (draw another). */
export async function createWorkshop(client: DbClient, input: CreateWorkshopInput): Promise<Workshop> {
  const { at = new Date(), scenarioIds, ...fields } = inputFrom(CreateWorkshopInputSchema, "workshop", input);
  try {
    const row = await client.workshop.create({
      data: { id: newRandomId(), ...fields, scenarioIds: JSON.stringify(scenarioIds), createdAt: at },
    });
    return recordFrom(WorkshopSchema, "workshop", row);
  } catch (error) {
    if (constraintViolationOf(error)?.kind === "unique") throw new JoinCodeTakenError();
    throw error;
  }
}

export async function getWorkshop(client: DbClient, id: string): Promise<Workshop | null> {
  if (!RandomIdSchema.safeParse(id).success) return null;
  const row = await client.workshop.findUnique({ where: { id } });
  return row === null ? null : recordFrom(WorkshopSchema, "workshop", row);
}

export async function findWorkshopByJoinCode(client: DbClient, joinCode: string): Promise<Workshop | null> {
  if (joinCode.length < 1 || joinCode.length > 64) return null;
  const row = await client.workshop.findUnique({ where: { joinCode } });
  return row === null ? null : recordFrom(WorkshopSchema, "workshop", row);
}

/** Workshops of one owner (or all), soonest start first; `open` keeps those not ended. */
export async function listWorkshops(
  client: DbClient,
  query: { ownerId?: string; open?: boolean } = {},
): Promise<Workshop[]> {
  const rows = await client.workshop.findMany({
    where: {
      ...(query.ownerId === undefined ? {} : { ownerId: query.ownerId }),
      ...(query.open ? { endedAt: null } : {}),
    },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    take: 10_000,
  });
  return rows.map((row) => recordFrom(WorkshopSchema, "workshop", row));
}

export async function updateWorkshop(client: DbClient, id: string, patch: WorkshopPatch): Promise<Workshop> {
  const { scenarioIds, ...fields } = inputFrom(WorkshopPatchSchema, "workshop patch", patch);
  try {
    const row = await client.workshop.update({
      where: { id },
      data: { ...fields, ...(scenarioIds === undefined ? {} : { scenarioIds: JSON.stringify(scenarioIds) }) },
    });
    return recordFrom(WorkshopSchema, "workshop", row);
  } catch (error) {
    if (constraintViolationOf(error)?.kind === "record-not-found") throw new WorkshopNotFoundError(id);
    throw error;
  }
}

/** Sets `endedAt` once; `ended` is false when it had ended already (so only one caller tears it down). */
export async function endWorkshop(
  client: DbClient,
  id: string,
  at: Date = new Date(),
): Promise<{ workshop: Workshop; ended: boolean }> {
  const { count } = await client.workshop.updateMany({ where: { id, endedAt: null }, data: { endedAt: at } });
  const workshop = await getWorkshop(client, id);
  if (!workshop) throw new WorkshopNotFoundError(id);
  return { workshop, ended: count === 1 };
}

export const JoinWorkshopInputSchema = z.object({
  workshopId: RandomIdSchema,
  learnerId: RandomIdSchema,
  displayName: z.string().trim().min(1).max(80),
  capacity: z.number().int().min(1),
  at: z.date().optional(),
});
export type JoinWorkshopInput = z.input<typeof JoinWorkshopInputSchema>;

/**
 * Adds the learner as a participant, or returns their existing participation (display name updated).
 * `WorkshopFullError` when `capacity` participants joined already. The learner row must exist.
 */
export async function joinWorkshop(
  client: DbClient,
  input: JoinWorkshopInput,
): Promise<{ participant: Participant; rejoined: boolean }> {
  const {
    workshopId,
    learnerId,
    displayName,
    capacity,
    at = new Date(),
  } = inputFrom(JoinWorkshopInputSchema, "participant", input);
  return client.$transaction(async (tx) => {
    const existing = await tx.participant.findUnique({ where: { workshopId_learnerId: { workshopId, learnerId } } });
    if (existing !== null) {
      const row = await tx.participant.update({
        where: { workshopId_learnerId: { workshopId, learnerId } },
        data: { displayName },
      });
      return { participant: recordFrom(ParticipantSchema, "participant", row), rejoined: true };
    }
    if ((await tx.participant.count({ where: { workshopId } })) >= capacity) throw new WorkshopFullError(capacity);
    const row = await tx.participant.create({
      data: { id: newRandomId(), workshopId, learnerId, displayName, joinedAt: at },
    });
    return { participant: recordFrom(ParticipantSchema, "participant", row), rejoined: false };
  });
}

export async function listParticipants(client: DbClient, workshopId: string): Promise<Participant[]> {
  const rows = await client.participant.findMany({
    where: { workshopId },
    orderBy: [{ joinedAt: "asc" }, { id: "asc" }],
  });
  return rows.map((row) => recordFrom(ParticipantSchema, "participant", row));
}

export async function countParticipants(client: DbClient, workshopId: string): Promise<number> {
  return client.participant.count({ where: { workshopId } });
}

export async function getParticipant(client: DbClient, id: string): Promise<Participant | null> {
  if (!RandomIdSchema.safeParse(id).success) return null;
  const row = await client.participant.findUnique({ where: { id } });
  return row === null ? null : recordFrom(ParticipantSchema, "participant", row);
}

/** The learner's participations, latest join first. */
export async function listParticipationsOf(client: DbClient, learnerId: string): Promise<Participant[]> {
  const rows = await client.participant.findMany({
    where: { learnerId },
    orderBy: [{ joinedAt: "desc" }, { id: "asc" }],
  });
  return rows.map((row) => recordFrom(ParticipantSchema, "participant", row));
}

export interface WorkshopRepositories {
  createWorkshop(input: CreateWorkshopInput): Promise<Workshop>;
  getWorkshop(id: string): Promise<Workshop | null>;
  findWorkshopByJoinCode(joinCode: string): Promise<Workshop | null>;
  listWorkshops(query?: { ownerId?: string; open?: boolean }): Promise<Workshop[]>;
  updateWorkshop(id: string, patch: WorkshopPatch): Promise<Workshop>;
  endWorkshop(id: string, at?: Date): Promise<{ workshop: Workshop; ended: boolean }>;
  joinWorkshop(input: JoinWorkshopInput): Promise<{ participant: Participant; rejoined: boolean }>;
  listParticipants(workshopId: string): Promise<Participant[]>;
  countParticipants(workshopId: string): Promise<number>;
  getParticipant(id: string): Promise<Participant | null>;
  listParticipationsOf(learnerId: string): Promise<Participant[]>;
}

export function workshopRepositoriesFor(client: DbClient): WorkshopRepositories {
  return {
    createWorkshop: (input) => createWorkshop(client, input),
    getWorkshop: (id) => getWorkshop(client, id),
    findWorkshopByJoinCode: (joinCode) => findWorkshopByJoinCode(client, joinCode),
    listWorkshops: (query) => listWorkshops(client, query),
    updateWorkshop: (id, patch) => updateWorkshop(client, id, patch),
    endWorkshop: (id, at) => endWorkshop(client, id, at),
    joinWorkshop: (input) => joinWorkshop(client, input),
    listParticipants: (workshopId) => listParticipants(client, workshopId),
    countParticipants: (workshopId) => countParticipants(client, workshopId),
    getParticipant: (id) => getParticipant(client, id),
    listParticipationsOf: (learnerId) => listParticipationsOf(client, learnerId),
  };
}
