// @circus/db: the Circus database. Open it with `openDatabase({ url })` after `migrateDatabase({ url })`;
// the returned `Database` carries the repositories (learners, runs, step progress, events).
export type {
  CheckAttemptStore,
  DbClient,
  DbStores,
  EventStore,
  LearnerStore,
  RunStore,
  StepProgressStore,
} from "./client";
export { type DatabaseProvider, parseDatabaseUrl, redactPassword } from "./database-url";
export {
  ActiveRunExistsError,
  DatabaseError,
  DatabaseUnreachableError,
  InvalidDatabaseUrlError,
  InvalidRecordError,
  LearnerNotFoundError,
  MigrationFailedError,
  RunNotFoundError,
} from "./errors";
export { type EventInput, type EventQuery, listEvents, maxEventDataBytes, recordEvent } from "./events";
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
  activeRunStatuses,
  type CheckAttempt,
  type CheckKind,
  type Event,
  type Learner,
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
  getRun,
  type ListRunsQuery,
  listRunsByStatus,
  type RunPatch,
  updateRun,
} from "./runs";
