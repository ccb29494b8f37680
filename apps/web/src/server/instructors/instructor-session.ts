// The instructor's sign-in session: `circus_instructor=<random 256-bit token>` (httpOnly, SameSite=Lax);
// the database keeps only the token's SHA-256, so a database leak does not hand out sessions.
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Instructor } from "@circus/db";
import type { ServerContext } from "../context";
import { isSecureDeployment } from "../http/cookie-security";
import { appendSetCookie, readCookie, serializeCookie } from "../http/cookies";
import { AppError } from "../http/errors";

export const INSTRUCTOR_COOKIE = "circus_instructor";
/** How long a session lasts from sign-in. */
export const SESSION_TTL_SECONDS = 14 * 24 * 3600;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface InstructorSessionRef {
  instructor: Instructor;
  /** Identifies the session (its stored hash): sign-out and the SSE registry use it. */
  tokenHash: string;
}

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The stored form of a token (sessions, invitations). */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** The signed-in instructor of the request, or undefined (no cookie, unknown or expired session). */
export async function instructorFromRequest(
  context: Pick<ServerContext, "db">,
  req: Pick<IncomingMessage, "headers">,
): Promise<InstructorSessionRef | undefined> {
  const token = readCookie(req, INSTRUCTOR_COOKIE);
  if (token === undefined || !TOKEN.test(token)) return undefined;
  const tokenHash = hashToken(token);
  const found = await context.db.findInstructorSession(tokenHash);
  return found ? { instructor: found.instructor, tokenHash } : undefined;
}

/** The signed-in instructor, or 401 `unauthenticated`. */
export async function requireInstructor(
  context: Pick<ServerContext, "db">,
  req: Pick<IncomingMessage, "headers">,
): Promise<InstructorSessionRef> {
  const found = await instructorFromRequest(context, req);
  if (!found) throw new AppError("unauthenticated", "Sign in as an instructor first.");
  return found;
}

/** Starts a session for the instructor and sets its cookie on the response. */
export async function startInstructorSession(
  context: Pick<ServerContext, "db" | "config">,
  res: ServerResponse,
  instructor: Instructor,
): Promise<InstructorSessionRef> {
  const token = newSessionToken();
  const tokenHash = hashToken(token);
  await context.db.createInstructorSession({
    tokenHash,
    instructorId: instructor.id,
    expiresAt: new Date(Date.now() + SESSION_TTL_SECONDS * 1000),
  });
  appendSetCookie(
    res,
    serializeCookie(INSTRUCTOR_COOKIE, token, {
      httpOnly: true,
      sameSite: "Lax",
      secure: isSecureDeployment(context.config),
      maxAgeSeconds: SESSION_TTL_SECONDS,
    }),
  );
  return { instructor, tokenHash };
}

/** Removes the cookie from the browser. */
export function clearInstructorCookie(context: Pick<ServerContext, "config">, res: ServerResponse): void {
  appendSetCookie(
    res,
    serializeCookie(INSTRUCTOR_COOKIE, "", {
      httpOnly: true,
      sameSite: "Lax",
      secure: isSecureDeployment(context.config),
      maxAgeSeconds: 0,
    }),
  );
}
