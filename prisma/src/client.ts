// The one TypeScript surface both generated Prisma clients (SQLite and PostgreSQL) are used through.
// The two generated client types are not assignable to each other (their generics differ), so this
// lists the operations the repositories use, with the SQLite client's own argument types: every call
// is checked exactly against the source-of-truth schema. open-database.ts assigns each real client to
// `DbClient` without a cast, so the compiler also checks that the PostgreSQL client accepts them
// (the drift test keeps both schemas' models identical). Results are `unknown` on purpose: the
// repositories parse every row with the zod schemas of records.ts.
import type { Prisma } from "../generated/sqlite/client";

export interface LearnerStore {
  findUnique(args: Prisma.LearnerFindUniqueArgs): PromiseLike<unknown>;
  upsert(args: Prisma.LearnerUpsertArgs): PromiseLike<unknown>;
}

export interface RunStore {
  create(args: Prisma.RunCreateArgs): PromiseLike<unknown>;
  findUnique(args: Prisma.RunFindUniqueArgs): PromiseLike<unknown>;
  findFirst(args: Prisma.RunFindFirstArgs): PromiseLike<unknown>;
  update(args: Prisma.RunUpdateArgs): PromiseLike<unknown>;
  findMany(args: Prisma.RunFindManyArgs): PromiseLike<unknown[]>;
}

export interface StepProgressStore {
  upsert(args: Prisma.StepProgressUpsertArgs): PromiseLike<unknown>;
  update(args: Prisma.StepProgressUpdateArgs): PromiseLike<unknown>;
  updateMany(args: Prisma.StepProgressUpdateManyArgs): PromiseLike<{ count: number }>;
  findUnique(args: Prisma.StepProgressFindUniqueArgs): PromiseLike<unknown>;
  findMany(args: Prisma.StepProgressFindManyArgs): PromiseLike<unknown[]>;
}

export interface CheckAttemptStore {
  create(args: Prisma.CheckAttemptCreateArgs): PromiseLike<unknown>;
  findMany(args: Prisma.CheckAttemptFindManyArgs): PromiseLike<unknown[]>;
}

export interface EventStore {
  create(args: Prisma.EventCreateArgs): PromiseLike<unknown>;
  findMany(args: Prisma.EventFindManyArgs): PromiseLike<unknown[]>;
}

export interface InstructorStore {
  count(args?: Prisma.InstructorCountArgs): PromiseLike<number>;
  create(args: Prisma.InstructorCreateArgs): PromiseLike<unknown>;
  findUnique(args: Prisma.InstructorFindUniqueArgs): PromiseLike<unknown>;
}

export interface InstructorSessionStore {
  create(args: Prisma.InstructorSessionCreateArgs): PromiseLike<unknown>;
  findUnique(args: Prisma.InstructorSessionFindUniqueArgs): PromiseLike<unknown>;
  deleteMany(args: Prisma.InstructorSessionDeleteManyArgs): PromiseLike<{ count: number }>;
}

export interface InvitationStore {
  count(args?: Prisma.InvitationCountArgs): PromiseLike<number>;
  create(args: Prisma.InvitationCreateArgs): PromiseLike<unknown>;
  updateMany(args: Prisma.InvitationUpdateManyArgs): PromiseLike<{ count: number }>;
}

export interface WorkshopStore {
  create(args: Prisma.WorkshopCreateArgs): PromiseLike<unknown>;
  findUnique(args: Prisma.WorkshopFindUniqueArgs): PromiseLike<unknown>;
  findMany(args: Prisma.WorkshopFindManyArgs): PromiseLike<unknown[]>;
  update(args: Prisma.WorkshopUpdateArgs): PromiseLike<unknown>;
  updateMany(args: Prisma.WorkshopUpdateManyArgs): PromiseLike<{ count: number }>;
}

export interface ParticipantStore {
  count(args: Prisma.ParticipantCountArgs): PromiseLike<number>;
  create(args: Prisma.ParticipantCreateArgs): PromiseLike<unknown>;
  findUnique(args: Prisma.ParticipantFindUniqueArgs): PromiseLike<unknown>;
  findMany(args: Prisma.ParticipantFindManyArgs): PromiseLike<unknown[]>;
  update(args: Prisma.ParticipantUpdateArgs): PromiseLike<unknown>;
}

export interface RecordingStore {
  create(args: Prisma.RecordingCreateArgs): PromiseLike<unknown>;
  findUnique(args: Prisma.RecordingFindUniqueArgs): PromiseLike<unknown>;
  findMany(args: Prisma.RecordingFindManyArgs): PromiseLike<unknown[]>;
  update(args: Prisma.RecordingUpdateArgs): PromiseLike<unknown>;
  updateMany(args: Prisma.RecordingUpdateManyArgs): PromiseLike<{ count: number }>;
  deleteMany(args: Prisma.RecordingDeleteManyArgs): PromiseLike<{ count: number }>;
}

export interface RecordingChunkStore {
  create(args: Prisma.RecordingChunkCreateArgs): PromiseLike<unknown>;
  findMany(args: Prisma.RecordingChunkFindManyArgs): PromiseLike<unknown[]>;
}

export interface SavedLabStore {
  upsert(args: Prisma.SavedLabUpsertArgs): PromiseLike<unknown>;
  findUnique(args: Prisma.SavedLabFindUniqueArgs): PromiseLike<unknown>;
  findMany(args: Prisma.SavedLabFindManyArgs): PromiseLike<unknown[]>;
  deleteMany(args: Prisma.SavedLabDeleteManyArgs): PromiseLike<{ count: number }>;
}

export interface RunClientAddressStore {
  upsert(args: Prisma.RunClientAddressUpsertArgs): PromiseLike<unknown>;
  findMany(args: Prisma.RunClientAddressFindManyArgs): PromiseLike<unknown[]>;
  deleteMany(args: Prisma.RunClientAddressDeleteManyArgs): PromiseLike<{ count: number }>;
}

/** The model stores, as seen inside and outside a transaction. */
export interface DbStores {
  learner: LearnerStore;
  run: RunStore;
  stepProgress: StepProgressStore;
  checkAttempt: CheckAttemptStore;
  event: EventStore;
  instructor: InstructorStore;
  instructorSession: InstructorSessionStore;
  invitation: InvitationStore;
  workshop: WorkshopStore;
  participant: ParticipantStore;
  recording: RecordingStore;
  recordingChunk: RecordingChunkStore;
  savedLab: SavedLabStore;
  runClientAddress: RunClientAddressStore;
}

export interface DbClient extends DbStores {
  $transaction<R>(fn: (tx: DbStores) => Promise<R>): Promise<R>;
  $queryRawUnsafe(sql: string): PromiseLike<unknown>;
  $disconnect(): Promise<void>;
}
