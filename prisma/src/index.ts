// @circus/db: the Circus database. Open it with `openDatabase({ url })` after `migrateDatabase({ url })`;
// the returned `Database` carries the repositories (learners, runs, step progress, events, instructors,
// workshops).
export type {
  CheckAttemptStore,
  DbClient,
  DbStores,
  EventStore,
  LearnerStore,
  RunStore,
  StepProgressStore,
} from "./client";
export { isConnectionFailure } from "./connection-failures";
export { type DatabaseProvider, parseDatabaseUrl, redactPassword } from "./database-url";
export {
  ActiveRunExistsError,
  DatabaseError,
  DatabaseUnreachableError,
  InstructorEmailTakenError,
  InvalidDatabaseUrlError,
  InvalidRecordError,
  InvitationInvalidError,
  JoinCodeTakenError,
  LearnerNotFoundError,
  MigrationFailedError,
  RunNotFoundError,
  SetupClaimedError,
  WorkshopFullError,
  WorkshopNotFoundError,
} from "./errors";
export { type EventInput, type EventQuery, listEvents, maxEventDataBytes, recordEvent } from "./events";
export {
  type CreateInstructorInput,
  type CreateInvitationInput,
  type CreateSessionInput,
  countInstructors,
  createInstructor,
  createInstructorSession,
  createInvitation,
  deleteInstructorSession,
  findInstructorCredentials,
  findInstructorSession,
  getInstructor,
  type Instructor,
  type InstructorRepositories,
  type InstructorSession,
} from "./instructors";
export { type EnsureLearnerInput, ensureLearner, getLearner } from "./learners";
export { type MigrateDatabaseOptions, type MigrationReport, migrateDatabase } from "./migrate-database";
export { type Database, type OpenDatabaseOptions, openDatabase } from "./open-database";
export {
  type CheckAttemptInput,
  completeStep,
  listCheckAttempts,
  listStepProgress,
  markStepShown,
  maxCheckOutputBytes,
  recordCheckAttempt,
} from "./progress";
export { newRandomId, RandomIdSchema } from "./random-id";
export {
  type AppendRecordingChunkInput,
  type CreateRecordingInput,
  maxRecordingChunkBytes,
} from "./recordings";
export {
  activeRunStatuses,
  type CheckAttempt,
  type CheckKind,
  type Event,
  type Learner,
  type Recording,
  type Run,
  type RunStage,
  type RunStatus,
  RunStatusSchema,
  runStatuses,
  type StepProgress,
} from "./records";
export type { Repositories } from "./repositories";
export {
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
export type {
  SavedLab,
  SavedLabRepositories,
  SaveLabInput,
} from "./saved-labs";
export {
  type CreateWorkshopInput,
  countParticipants,
  createWorkshop,
  endWorkshop,
  findWorkshopByJoinCode,
  getParticipant,
  getWorkshop,
  type JoinWorkshopInput,
  joinWorkshop,
  listParticipants,
  listParticipationsOf,
  listWorkshops,
  type Participant,
  updateWorkshop,
  type Workshop,
  type WorkshopPatch,
  type WorkshopRepositories,
} from "./workshops";
