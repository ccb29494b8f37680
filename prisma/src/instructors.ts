// Instructors (accounts with a password, the first one an admin), their sign-in sessions and the
// single-use invitations admins hand out. Secrets are stored only as hashes made by the caller.
import { z } from "zod";
import type { DbClient } from "./client";
import { constraintViolationOf } from "./constraint-violations";
import { InstructorEmailTakenError, InvitationInvalidError, SetupClaimedError } from "./errors";
import { newRandomId } from "./random-id";
import { inputFrom, recordFrom } from "./records";

export const InstructorSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  isAdmin: z.boolean(),
  createdAt: z.date(),
});
/** An instructor as the app sees one: never with the password hash. */
export type Instructor = z.infer<typeof InstructorSchema>;

const CredentialsRowSchema = InstructorSchema.extend({ passwordHash: z.string() });

export const InstructorSessionSchema = z.object({
  tokenHash: z.string(),
  instructorId: z.string(),
  createdAt: z.date(),
  expiresAt: z.date(),
});
export type InstructorSession = z.infer<typeof InstructorSessionSchema>;

const SessionWithInstructorSchema = InstructorSessionSchema.extend({ instructor: InstructorSchema });

const EmailSchema = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());
/** A hash (SHA-256 base64url or hex) of a random token: never the token itself. */
const TokenHashSchema = z.string().min(32).max(128);

export const CreateInstructorInputSchema = z.object({
  email: EmailSchema,
  displayName: z.string().trim().min(1).max(80),
  /** A PHC string from a password hashing library (argon2id). */
  passwordHash: z.string().min(20).max(500),
  /** Sign-up with an invitation: its token hash, consumed in the same transaction. */
  invitationTokenHash: TokenHashSchema.optional(),
  /**
   * The first admin, created with the server's setup token (checked by the caller): takes the one
   * setup claim, so of any number of racing sign-ups exactly one succeeds. Default false.
   */
  firstAdmin: z.boolean().optional(),
  /** Default now. */
  at: z.date().optional(),
});
export type CreateInstructorInput = z.input<typeof CreateInstructorInputSchema>;

/**
 * Creates an instructor: the first admin (`firstAdmin`, `SetupClaimedError` once the server is claimed),
 * or one with an unused, unexpired invitation (`InvitationInvalidError` otherwise). `InstructorEmailTakenError`
 * for a known email.
 */
export async function createInstructor(client: DbClient, input: CreateInstructorInput): Promise<Instructor> {
  const {
    email,
    displayName,
    passwordHash,
    invitationTokenHash,
    firstAdmin = false,
    at = new Date(),
  } = inputFrom(CreateInstructorInputSchema, "instructor", input);
  const id = newRandomId();
  try {
    return await client.$transaction(async (tx) => {
      if (firstAdmin) {
        // Counting alone would race (two transactions both see no admin); the unique claim does not.
        if ((await tx.instructor.count({ where: { isAdmin: true } })) > 0) throw new SetupClaimedError();
      } else {
        if (invitationTokenHash === undefined) throw new InvitationInvalidError();
        const used = await tx.invitation.updateMany({
          where: { tokenHash: invitationTokenHash, usedAt: null, expiresAt: { gt: at } },
          data: { usedAt: at, usedById: id },
        });
        if (used.count !== 1) throw new InvitationInvalidError();
      }
      const row = await tx.instructor.create({
        data: {
          id,
          email,
          displayName,
          passwordHash,
          isAdmin: firstAdmin,
          setupClaim: firstAdmin ? 1 : null,
          createdAt: at,
        },
      });
      return recordFrom(InstructorSchema, "instructor", row);
    });
  } catch (error) {
    const violation = constraintViolationOf(error);
    if (violation?.kind !== "unique") throw error;
    // Which unique index: the claim (another first admin won) or the email.
    if (firstAdmin && (await client.instructor.count({ where: { setupClaim: 1 } })) > 0) {
      if (!violation.fields.some((field) => field.includes("email"))) throw new SetupClaimedError();
    }
    throw new InstructorEmailTakenError(email);
  }
}

export async function countInstructors(client: DbClient): Promise<number> {
  return client.instructor.count();
}

export async function getInstructor(client: DbClient, id: string): Promise<Instructor | null> {
  const row = await client.instructor.findUnique({ where: { id } });
  return row === null ? null : recordFrom(InstructorSchema, "instructor", row);
}

/** The instructor with this email and their password hash, for sign-in only. */
export async function findInstructorCredentials(
  client: DbClient,
  email: string,
): Promise<{ instructor: Instructor; passwordHash: string } | null> {
  const parsed = EmailSchema.safeParse(email);
  if (!parsed.success) return null;
  const row = await client.instructor.findUnique({ where: { email: parsed.data } });
  if (row === null) return null;
  const { passwordHash, ...instructor } = recordFrom(CredentialsRowSchema, "instructor", row);
  return { instructor, passwordHash };
}

export const CreateSessionInputSchema = z.object({
  tokenHash: TokenHashSchema,
  instructorId: z.string().min(1),
  expiresAt: z.date(),
  at: z.date().optional(),
});
export type CreateSessionInput = z.input<typeof CreateSessionInputSchema>;

export async function createInstructorSession(client: DbClient, input: CreateSessionInput): Promise<InstructorSession> {
  const { at = new Date(), ...session } = inputFrom(CreateSessionInputSchema, "instructor session", input);
  const row = await client.instructorSession.create({ data: { ...session, createdAt: at } });
  return recordFrom(InstructorSessionSchema, "instructor session", row);
}

/** The unexpired session with this token hash and its instructor. */
export async function findInstructorSession(
  client: DbClient,
  tokenHash: string,
  now: Date = new Date(),
): Promise<{ session: InstructorSession; instructor: Instructor } | null> {
  const row = await client.instructorSession.findUnique({ where: { tokenHash }, include: { instructor: true } });
  if (row === null) return null;
  const { instructor, ...session } = recordFrom(SessionWithInstructorSchema, "instructor session", row);
  return session.expiresAt > now ? { session, instructor } : null;
}

/** Ends a session (sign-out); a no-op for an unknown one. Also drops the instructor's expired sessions. */
export async function deleteInstructorSession(
  client: DbClient,
  tokenHash: string,
  now: Date = new Date(),
): Promise<void> {
  await client.instructorSession.deleteMany({ where: { tokenHash } });
  await client.instructorSession.deleteMany({ where: { expiresAt: { lt: now } } });
}

export const CreateInvitationInputSchema = z.object({
  tokenHash: TokenHashSchema,
  createdById: z.string().min(1),
  expiresAt: z.date(),
  at: z.date().optional(),
});
export type CreateInvitationInput = z.input<typeof CreateInvitationInputSchema>;

export async function createInvitation(client: DbClient, input: CreateInvitationInput): Promise<{ expiresAt: Date }> {
  const { at = new Date(), ...invitation } = inputFrom(CreateInvitationInputSchema, "invitation", input);
  await client.invitation.create({ data: { ...invitation, createdAt: at } });
  return { expiresAt: invitation.expiresAt };
}

/** Whether an invitation with this token hash is unused and unexpired (sign-up checks it before hashing a password). */
export async function isInvitationUsable(
  client: DbClient,
  tokenHash: string,
  now: Date = new Date(),
): Promise<boolean> {
  const count = await client.invitation.count({ where: { tokenHash, usedAt: null, expiresAt: { gt: now } } });
  return count > 0;
}

export interface InstructorRepositories {
  createInstructor(input: CreateInstructorInput): Promise<Instructor>;
  countInstructors(): Promise<number>;
  getInstructor(id: string): Promise<Instructor | null>;
  findInstructorCredentials(email: string): Promise<{ instructor: Instructor; passwordHash: string } | null>;
  createInstructorSession(input: CreateSessionInput): Promise<InstructorSession>;
  findInstructorSession(
    tokenHash: string,
    now?: Date,
  ): Promise<{ session: InstructorSession; instructor: Instructor } | null>;
  deleteInstructorSession(tokenHash: string, now?: Date): Promise<void>;
  createInvitation(input: CreateInvitationInput): Promise<{ expiresAt: Date }>;
  isInvitationUsable(tokenHash: string, now?: Date): Promise<boolean>;
}

export function instructorRepositoriesFor(client: DbClient): InstructorRepositories {
  return {
    createInstructor: (input) => createInstructor(client, input),
    countInstructors: () => countInstructors(client),
    getInstructor: (id) => getInstructor(client, id),
    findInstructorCredentials: (email) => findInstructorCredentials(client, email),
    createInstructorSession: (input) => createInstructorSession(client, input),
    findInstructorSession: (tokenHash, now) => findInstructorSession(client, tokenHash, now),
    deleteInstructorSession: (tokenHash, now) => deleteInstructorSession(client, tokenHash, now),
    createInvitation: (input) => createInvitation(client, input),
    isInvitationUsable: (tokenHash, now) => isInvitationUsable(client, tokenHash, now),
  };
}
