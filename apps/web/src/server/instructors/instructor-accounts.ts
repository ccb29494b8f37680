// Instructor accounts: sign-up (the first account is the admin and needs the server's one-time setup
// token; later ones need an admin's invitation; rate limited per address), sign-in with a password
// (failures rate limited per address), sign-out, and invitations.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Instructor } from "@circus/db";
import type { ServerContext } from "../context";
import { clientAddressGroup } from "../http/client-address";
import { AppError } from "../http/errors";
import type { SharedRateLimit } from "../http/shared-rate-limit";
import {
  clearInstructorCookie,
  hashToken,
  type InstructorSessionRef,
  newSessionToken,
  startInstructorSession,
} from "./instructor-session";
import { decoyPasswordHash, hashPassword, verifyPassword } from "./password-hashing";

/** How long an invitation can be used. */
export const INVITATION_TTL_SECONDS = 7 * 24 * 3600;

export interface SignUpInput {
  email: string;
  displayName: string;
  password: string;
  /** The invitation token (required once an admin exists). */
  invitation?: string;
  /** The server's one-time setup token (required for the first account, which becomes the admin). */
  setupToken?: string;
}

export async function signUp(
  context: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  input: SignUpInput,
): Promise<InstructorSessionRef> {
  // Counted before anything else, so parallel attempts (on any replica) cannot all pass one look at the limiter.
  await takeToken(context.workshops.limits.signUps, clientAddressGroup(context.config, req), "sign-up attempts");
  const setup = context.firstAdminSetup;
  const firstAdmin = input.setupToken !== undefined;
  if (firstAdmin && !setup.accepts(input.setupToken!)) {
    throw setup.pending
      ? new AppError(
          "setup_token_invalid",
          'This is not the setup token of this Circus. Copy it from the server\'s start-up output (the "no admin yet" line).',
        )
      : new AppError(
          "setup_claimed",
          "This Circus already has its admin. Sign in, or ask the admin for an invitation.",
        );
  }
  // The invitation is checked before the (deliberately slow) password hash, which nobody may make us run for free.
  if (!firstAdmin && input.invitation === undefined) {
    throw setup.pending
      ? new AppError(
          "setup_token_required",
          'The first account of this Circus needs its setup token: the server prints it at start-up (the "no admin yet" line).',
        )
      : new AppError("invitation_invalid", "Signing up needs an invitation: ask an admin of this Circus for one.");
  }
  if (input.invitation !== undefined && !(await context.db.isInvitationUsable(hashToken(input.invitation)))) {
    throw new AppError(
      "invitation_invalid",
      "This invitation is unknown, used already or expired: ask an admin of this Circus for a new one.",
    );
  }
  const passwordHash = await hashPassword(input.password);
  const instructor = await context.db.createInstructor({
    email: input.email,
    displayName: input.displayName,
    passwordHash,
    ...(firstAdmin ? { firstAdmin: true } : {}),
    ...(input.invitation === undefined ? {} : { invitationTokenHash: hashToken(input.invitation) }),
  });
  if (firstAdmin) setup.close();
  await context.db.recordEvent({
    type: "instructor.signed_up",
    data: { instructor: instructor.id, admin: instructor.isAdmin },
  });
  context.logger.info({ instructor: instructor.id, admin: instructor.isAdmin }, "instructor signed up");
  return startInstructorSession(context, res, instructor);
}

export async function signIn(
  context: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  input: { email: string; password: string },
): Promise<InstructorSessionRef> {
  const limiter = context.workshops.limits.failedSignIns;
  const address = clientAddressGroup(context.config, req);
  // Taken before the lookup (parallel guesses, on any replica, cannot all pass) and given back when the password matches.
  await takeToken(limiter, address, "failed sign-ins");
  const found = await context.db.findInstructorCredentials(input.email);
  const passwordHash = found?.passwordHash ?? (await decoyPasswordHash());
  const matches = await verifyPassword(passwordHash, input.password);
  if (!found || !matches) {
    throw new AppError("invalid_credentials", "This email and password do not match an instructor account.");
  }
  await limiter.refund(address);
  return startInstructorSession(context, res, found.instructor);
}

/** Counts an attempt for `key`, or throws 429 with Retry-After when the limit is reached. */
async function takeToken(limiter: SharedRateLimit, key: string, what: string): Promise<void> {
  const verdict = await limiter.take(key);
  if (verdict.allowed) return;
  const seconds = Math.ceil(verdict.retryAfterMs / 1000);
  throw new AppError("rate_limited", `Too many ${what} from your network. Try again in ${seconds} seconds.`, {
    retryAfterSeconds: seconds,
  });
}

/** Deletes the session, clears the cookie and closes the session's live streams. */
export async function signOut(
  context: ServerContext,
  res: ServerResponse,
  session: InstructorSessionRef,
): Promise<void> {
  await context.db.deleteInstructorSession(session.tokenHash);
  clearInstructorCookie(context, res);
  context.workshops.sessionStreams.closeSession(session.tokenHash);
}

/** A single-use invitation (admins only): the token is shown once; the database keeps its hash. */
export async function inviteInstructor(
  context: ServerContext,
  admin: Instructor,
): Promise<{ token: string; signUpPath: string; expiresAt: string }> {
  if (!admin.isAdmin) throw new AppError("forbidden", "Only an admin can invite instructors.");
  const token = newSessionToken();
  const { expiresAt } = await context.db.createInvitation({
    tokenHash: hashToken(token),
    createdById: admin.id,
    expiresAt: new Date(Date.now() + INVITATION_TTL_SECONDS * 1000),
  });
  return {
    token,
    signUpPath: `/instructor/sign-up?invitation=${encodeURIComponent(token)}`,
    expiresAt: expiresAt.toISOString(),
  };
}

/** What the API shows of an instructor. */
export function toInstructorView(instructor: Instructor) {
  return {
    id: instructor.id,
    email: instructor.email,
    displayName: instructor.displayName,
    isAdmin: instructor.isAdmin,
  };
}
