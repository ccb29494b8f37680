// Typed errors of the data layer. Each has a stable `code` and a `remedy`; messages never carry
// a database password.

export class DatabaseError extends Error {
  override name = "DatabaseError";
  constructor(
    readonly code: string,
    message: string,
    readonly remedy: string,
    options?: { cause?: unknown },
  ) {
    super(`${message} (${remedy})`, options);
  }
}

export class InvalidDatabaseUrlError extends DatabaseError {
  override name = "InvalidDatabaseUrlError";
  constructor(url: string, detail: string) {
    super(
      "invalid_database_url",
      `the database URL ${JSON.stringify(url)} is not usable: ${detail}`,
      "set DATABASE_URL to file:/path/to/circus.db (SQLite) or postgresql://user:password@host:5432/database",
    );
  }
}

export class DatabaseUnreachableError extends DatabaseError {
  override name = "DatabaseUnreachableError";
  constructor(
    readonly target: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      "database_unreachable",
      `cannot reach the database (${target}): ${detail}`,
      "start the database server and check DATABASE_URL's host, port, user, password and database name; for a local test PostgreSQL run `npx tsx scripts/ensure-postgres.ts`",
      options,
    );
  }
}

export class MigrationFailedError extends DatabaseError {
  override name = "MigrationFailedError";
  constructor(
    readonly target: string,
    detail: string,
    readonly logTail: string[],
  ) {
    super(
      "migration_failed",
      `applying the migrations to ${target} failed: ${detail}${logTail.length > 0 ? `\n--- last lines of prisma migrate deploy ---\n${logTail.join("\n")}\n---` : ""}`,
      "read the output above; a migration edited after it was applied must be restored, a half-applied one resolved with `prisma migrate resolve` (see prisma/README.md)",
    );
  }
}

export class ActiveRunExistsError extends DatabaseError {
  override name = "ActiveRunExistsError";
  constructor(
    readonly learnerId: string,
    readonly scenarioId: string,
  ) {
    super(
      "active_run_exists",
      `learner ${learnerId} already has an active run of ${scenarioId}`,
      "resume it (findActiveRun) or stop it before starting another",
    );
  }
}

export class LearnerNotFoundError extends DatabaseError {
  override name = "LearnerNotFoundError";
  constructor(readonly learnerId: string) {
    super("learner_not_found", `no learner ${learnerId}`, "create the learner first with ensureLearner");
  }
}

export class RunNotFoundError extends DatabaseError {
  override name = "RunNotFoundError";
  constructor(readonly runId: string) {
    super("run_not_found", `no run ${runId}`, "it may have been deleted: start a new run");
  }
}

export class InvalidRecordError extends DatabaseError {
  override name = "InvalidRecordError";
  constructor(what: string, detail: string) {
    super("invalid_record", `invalid ${what}: ${detail}`, "fix the caller: the value does not fit the data model");
  }
}

/** The useful line of an error from a driver or the Prisma CLI, for messages. */
export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(messageOf).join("; ");
  if (error instanceof Error) return error.message.trim().split("\n").at(-1) ?? error.message;
  return String(error);
}

export class InstructorEmailTakenError extends DatabaseError {
  override name = "InstructorEmailTakenError";
  constructor(readonly email: string) {
    super(
      "email_taken",
      `an instructor with the email ${email} exists already`,
      "sign in instead, or use another email",
    );
  }
}

export class InvitationInvalidError extends DatabaseError {
  override name = "InvitationInvalidError";
  constructor() {
    super(
      "invitation_invalid",
      "this invitation is unknown, used already or expired",
      "ask an admin of this Circus for a new invitation",
    );
  }
}

export class SetupClaimedError extends DatabaseError {
  override name = "SetupClaimedError";
  constructor() {
    super(
      "setup_claimed",
      "this Circus already has its first admin",
      "sign in, or ask an admin of this Circus for an invitation",
    );
  }
}

export class JoinCodeTakenError extends DatabaseError {
  override name = "JoinCodeTakenError";
  constructor() {
    super("join_code_taken", "another workshop has this join code", "draw a new random code and try again");
  }
}

export class WorkshopNotFoundError extends DatabaseError {
  override name = "WorkshopNotFoundError";
  constructor(readonly workshopId: string) {
    super("workshop_not_found", `no workshop ${workshopId}`, "it may have been deleted");
  }
}

export class WorkshopFullError extends DatabaseError {
  override name = "WorkshopFullError";
  constructor(readonly capacity: number) {
    super("workshop_full", `the workshop is full (${capacity} participants)`, "ask the instructor for a seat");
  }
}
