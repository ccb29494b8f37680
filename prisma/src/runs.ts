// Runs: one learner playing one scenario in one sandbox environment, from "starting" to an end status.
// At most one run per learner and scenario is active (starting/ready); the database enforces it.
import { z } from "zod";
import type { Prisma } from "../generated/sqlite/client";
import type { DbClient } from "./client";
import { constraintViolationOf } from "./constraint-violations";
import { ActiveRunExistsError, InvalidRecordError, LearnerNotFoundError, RunNotFoundError } from "./errors";
import { newRandomId, RandomIdSchema } from "./random-id";
import {
  activeRunStatuses,
  inputFrom,
  type Run,
  RunSchema,
  RunStageSchema,
  type RunStatus,
  RunStatusSchema,
  recordFrom,
} from "./records";

const ScenarioIdSchema = z.string().trim().min(1).max(200);
const ErrorTextSchema = z.string().max(4_000);

export const CreateRunInputSchema = z.object({
  learnerId: RandomIdSchema,
  scenarioId: ScenarioIdSchema,
  expiresAt: z.date(),
  /** Default "queued". */
  stage: RunStageSchema.optional(),
  /** `startedAt`; default now. */
  at: z.date().optional(),
  /** The workshop the learner starts it in. Default none. */
  workshopId: RandomIdSchema.nullable().optional(),
});
export type CreateRunInput = z.input<typeof CreateRunInputSchema>;

export const RunPatchSchema = z.object({
  status: RunStatusSchema.optional(),
  stage: RunStageSchema.nullable().optional(),
  error: ErrorTextSchema.nullable().optional(),
  environmentId: z.string().min(1).max(200).nullable().optional(),
  currentStep: z.number().int().min(0).optional(),
  readyAt: z.date().nullable().optional(),
  finishedAt: z.date().nullable().optional(),
  expiresAt: z.date().optional(),
});
export type RunPatch = z.input<typeof RunPatchSchema>;

export const ListRunsQuerySchema = z.object({
  statuses: z.array(RunStatusSchema).min(1),
  /** Only runs whose `expiresAt` is before this time (for reaping). */
  expiresBefore: z.date().optional(),
  /** Default 1000. */
  limit: z.number().int().min(1).max(10_000).optional(),
});
export type ListRunsQuery = z.input<typeof ListRunsQuerySchema>;

/** The unique-index slot an active run takes; NULL frees it. */
function activeSlotFor(status: RunStatus): number | null {
  return activeRunStatuses.includes(status) ? 1 : null;
}

/** Creates a run in status "starting". Throws `ActiveRunExistsError` when the learner already has one. */
export async function createRun(client: DbClient, input: CreateRunInput): Promise<Run> {
  const {
    learnerId,
    scenarioId,
    expiresAt,
    stage = "queued",
    at = new Date(),
    workshopId = null,
  } = inputFrom(CreateRunInputSchema, "run", input);
  const status: RunStatus = "starting";
  try {
    const row = await client.run.create({
      data: {
        id: newRandomId(),
        learnerId,
        scenarioId,
        status,
        stage,
        activeSlot: activeSlotFor(status),
        currentStep: 0,
        startedAt: at,
        expiresAt,
        workshopId,
      },
    });
    return recordFrom(RunSchema, "run", row);
  } catch (error) {
    const violation = constraintViolationOf(error);
    if (violation?.kind === "unique") throw new ActiveRunExistsError(learnerId, scenarioId);
    if (violation?.kind === "foreign-key") throw new LearnerNotFoundError(learnerId);
    throw error;
  }
}

export async function getRun(client: DbClient, id: string): Promise<Run | null> {
  if (!RandomIdSchema.safeParse(id).success) return null;
  const row = await client.run.findUnique({ where: { id } });
  return row === null ? null : recordFrom(RunSchema, "run", row);
}

/** The learner's run of this scenario in status starting or ready, if any. */
export async function findActiveRun(client: DbClient, learnerId: string, scenarioId: string): Promise<Run | null> {
  const row = await client.run.findFirst({ where: { learnerId, scenarioId, activeSlot: 1 } });
  return row === null ? null : recordFrom(RunSchema, "run", row);
}

/** The learner's saved run of this scenario ("Save and leave"), the latest if several, if any. */
export async function findSavedRun(client: DbClient, learnerId: string, scenarioId: string): Promise<Run | null> {
  const row = await client.run.findFirst({
    where: { learnerId, scenarioId, status: "saved" },
    orderBy: [{ updatedAt: "desc" }],
  });
  return row === null ? null : recordFrom(RunSchema, "run", row);
}

/**
 * Changes the fields given (null clears a nullable one). Throws `RunNotFoundError` for an unknown id,
 * `ActiveRunExistsError` when reactivating would make a second active run.
 */
export async function updateRun(client: DbClient, id: string, patch: RunPatch): Promise<Run> {
  const { status, ...rest } = inputFrom(RunPatchSchema, "run patch", patch);
  const data: Prisma.RunUncheckedUpdateInput =
    status === undefined ? rest : { ...rest, status, activeSlot: activeSlotFor(status) };
  try {
    return recordFrom(RunSchema, "run", await client.run.update({ where: { id }, data }));
  } catch (error) {
    const violation = constraintViolationOf(error);
    if (violation?.kind === "record-not-found") throw new RunNotFoundError(id);
    if (violation?.kind === "unique") {
      if (violation.fields.some((field) => field.includes("environmentId"))) {
        throw new InvalidRecordError("run patch", `environment ${rest.environmentId} already belongs to another run`);
      }
      const run = await getRun(client, id);
      if (run !== null) throw new ActiveRunExistsError(run.learnerId, run.scenarioId);
    }
    throw error;
  }
}

/** Runs in any of these statuses, soonest to expire first (the reaper's and the reconciler's query). */
export async function listRunsByStatus(client: DbClient, query: ListRunsQuery): Promise<Run[]> {
  const { statuses, expiresBefore, limit = 1_000 } = inputFrom(ListRunsQuerySchema, "run query", query);
  const rows = await client.run.findMany({
    where: { status: { in: statuses }, ...(expiresBefore === undefined ? {} : { expiresAt: { lt: expiresBefore } }) },
    orderBy: [{ expiresAt: "asc" }, { id: "asc" }],
    take: limit,
  });
  return rows.map((row) => recordFrom(RunSchema, "run", row));
}

/** Every run started in a workshop, oldest first. */
export async function listWorkshopRuns(client: DbClient, workshopId: string): Promise<Run[]> {
  const rows = await client.run.findMany({ where: { workshopId }, orderBy: [{ startedAt: "asc" }, { id: "asc" }] });
  return rows.map((row) => recordFrom(RunSchema, "run", row));
}
