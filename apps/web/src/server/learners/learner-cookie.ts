// The anonymous learner's identity: `circus_learner=<learnerId>.<HMAC-SHA256(learnerId) base64url>`,
// httpOnly and SameSite=Lax. Only this server (holding the secret) can mint one.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { appendSetCookie, readCookie, serializeCookie } from "../http/cookies";

export const LEARNER_COOKIE = "circus_learner";

/** Learner ids are 128 random bits in base64url, as `@circus/db` makes them. */
const LEARNER_ID = /^[A-Za-z0-9_-]{22}$/;

export function newLearnerId(): string {
  return randomBytes(16).toString("base64url");
}

export function signLearnerId(learnerId: string, secret: string): string {
  return `${learnerId}.${signatureOf(learnerId, secret)}`;
}

/** The learner id of a cookie value, or undefined when it is malformed or not signed with `secret`. */
export function verifyLearnerCookie(value: string | undefined, secret: string): string | undefined {
  if (value === undefined) return undefined;
  const separator = value.indexOf(".");
  if (separator < 0) return undefined;
  const learnerId = value.slice(0, separator);
  if (!LEARNER_ID.test(learnerId)) return undefined;
  const given = Buffer.from(value.slice(separator + 1), "utf8");
  const expected = Buffer.from(signatureOf(learnerId, secret), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected) ? learnerId : undefined;
}

/** The learner id carried by the request's signed cookie, or undefined. */
export function learnerIdFromRequest(req: Pick<IncomingMessage, "headers">, secret: string): string | undefined {
  return verifyLearnerCookie(readCookie(req, LEARNER_COOKIE), secret);
}

/** Sets the learner cookie on the response. `secure` when the app is served over HTTPS. */
export function issueLearnerCookie(
  res: ServerResponse,
  learnerId: string,
  options: { secret: string; secure: boolean },
): void {
  appendSetCookie(
    res,
    serializeCookie(LEARNER_COOKIE, signLearnerId(learnerId, options.secret), {
      httpOnly: true,
      sameSite: "Lax",
      secure: options.secure,
    }),
  );
}

/** The request's learner id, issuing a new one (and its cookie) when the request has no valid cookie. */
export function ensureLearnerCookie(
  req: Pick<IncomingMessage, "headers">,
  res: ServerResponse,
  options: { secret: string; secure: boolean },
): { learnerId: string; issued: boolean } {
  const existing = learnerIdFromRequest(req, options.secret);
  if (existing) return { learnerId: existing, issued: false };
  const learnerId = newLearnerId();
  issueLearnerCookie(res, learnerId, options);
  return { learnerId, issued: true };
}

function signatureOf(learnerId: string, secret: string): string {
  return createHmac("sha256", secret).update(`learner:${learnerId}`).digest("base64url");
}
