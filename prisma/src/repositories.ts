// The repository functions bound to one client: what `Database` offers besides the client itself.
import type { DbClient } from "./client";
import { type EventInput, type EventQuery, listEvents, recordEvent } from "./events";
import { type InstructorRepositories, instructorRepositoriesFor } from "./instructors";
import { type EnsureLearnerInput, ensureLearner, getLearner } from "./learners";
import {
  type CheckAttemptInput,
  completeOpenStep,
  completeStep,
  listCheckAttempts,
  listStepProgress,
  markStepShown,
  recordCheckAttempt,
} from "./progress";
import {
  type AppendRecordingChunkInput,
  appendRecordingChunk,
  type CreateRecordingInput,
  createRecording,
  deleteExpiredRecordings,
  finishRecording,
  getRecording,
  listRecordings,
  readRecordingChunks,
  runRecordingBytes,
} from "./recordings";
import type { CheckAttempt, Event, Learner, Recording, Run, StepProgress } from "./records";
import { countLiveRunsFromAddress, recordRunAddress } from "./run-addresses";
import {
  type CreateRunInput,
  createRun,
  findActiveRun,
  findSavedRun,
  getRun,
  type ListRunsQuery,
  listRunsByStatus,
  listWorkshopRuns,
  type RunPatch,
  updateRun,
} from "./runs";
import { type SavedLabRepositories, savedLabRepositoriesFor } from "./saved-labs";
import { type WorkshopRepositories, workshopRepositoriesFor } from "./workshops";

export interface Repositories extends InstructorRepositories, WorkshopRepositories, SavedLabRepositories {
  ensureLearner(input?: EnsureLearnerInput): Promise<Learner>;
  getLearner(id: string): Promise<Learner | null>;
  createRun(input: CreateRunInput): Promise<Run>;
  getRun(id: string): Promise<Run | null>;
  findActiveRun(learnerId: string, scenarioId: string): Promise<Run | null>;
  findSavedRun(learnerId: string, scenarioId: string): Promise<Run | null>;
  updateRun(id: string, patch: RunPatch): Promise<Run>;
  listRunsByStatus(query: ListRunsQuery): Promise<Run[]>;
  listWorkshopRuns(workshopId: string): Promise<Run[]>;
  /** Records the client address group a run was started from (the per-address cap). */
  recordRunAddress(runId: string, address: string): Promise<void>;
  /** Live runs (starting or ready) started from `address`. */
  countLiveRunsFromAddress(address: string): Promise<number>;
  markStepShown(runId: string, stepIndex: number, at?: Date): Promise<StepProgress>;
  completeStep(runId: string, stepIndex: number, at?: Date): Promise<StepProgress>;
  /** Completes the step if it is open; true when this call completed it. */
  completeOpenStep(runId: string, stepIndex: number, at?: Date): Promise<boolean>;
  listStepProgress(runId: string): Promise<StepProgress[]>;
  recordCheckAttempt(input: CheckAttemptInput): Promise<CheckAttempt>;
  listCheckAttempts(runId: string, stepIndex?: number): Promise<CheckAttempt[]>;
  recordEvent(input: EventInput): Promise<Event>;
  listEvents(query?: EventQuery): Promise<Event[]>;
  createRecording(input: CreateRecordingInput): Promise<Recording>;
  appendRecordingChunk(input: AppendRecordingChunkInput): Promise<void>;
  finishRecording(id: string, fields: { truncated: boolean; at?: Date }): Promise<void>;
  getRecording(id: string): Promise<Recording | null>;
  listRecordings(runId: string): Promise<Recording[]>;
  runRecordingBytes(runId: string): Promise<number>;
  readRecordingChunks(
    recordingId: string,
    page?: { afterSeq?: number; take?: number },
  ): Promise<{ seq: number; data: Uint8Array }[]>;
  deleteExpiredRecordings(now?: Date): Promise<number>;
}

export function repositoriesFor(client: DbClient): Repositories {
  return {
    ensureLearner: (input) => ensureLearner(client, input),
    getLearner: (id) => getLearner(client, id),
    createRun: (input) => createRun(client, input),
    getRun: (id) => getRun(client, id),
    findActiveRun: (learnerId, scenarioId) => findActiveRun(client, learnerId, scenarioId),
    findSavedRun: (learnerId, scenarioId) => findSavedRun(client, learnerId, scenarioId),
    updateRun: (id, patch) => updateRun(client, id, patch),
    listRunsByStatus: (query) => listRunsByStatus(client, query),
    listWorkshopRuns: (workshopId) => listWorkshopRuns(client, workshopId),
    recordRunAddress: (runId, address) => recordRunAddress(client, runId, address),
    countLiveRunsFromAddress: (address) => countLiveRunsFromAddress(client, address),
    markStepShown: (runId, stepIndex, at) => markStepShown(client, runId, stepIndex, at),
    completeStep: (runId, stepIndex, at) => completeStep(client, runId, stepIndex, at),
    completeOpenStep: (runId, stepIndex, at) => completeOpenStep(client, runId, stepIndex, at),
    listStepProgress: (runId) => listStepProgress(client, runId),
    recordCheckAttempt: (input) => recordCheckAttempt(client, input),
    listCheckAttempts: (runId, stepIndex) => listCheckAttempts(client, runId, stepIndex),
    recordEvent: (input) => recordEvent(client, input),
    listEvents: (query) => listEvents(client, query),
    createRecording: (input) => createRecording(client, input),
    appendRecordingChunk: (input) => appendRecordingChunk(client, input),
    finishRecording: (id, fields) => finishRecording(client, id, fields),
    getRecording: (id) => getRecording(client, id),
    listRecordings: (runId) => listRecordings(client, runId),
    runRecordingBytes: (runId) => runRecordingBytes(client, runId),
    readRecordingChunks: (recordingId, page) => readRecordingChunks(client, recordingId, page),
    deleteExpiredRecordings: (now) => deleteExpiredRecordings(client, now),
    ...instructorRepositoriesFor(client),
    ...workshopRepositoriesFor(client),
    ...savedLabRepositoriesFor(client),
  };
}
