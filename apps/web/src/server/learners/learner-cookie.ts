// The anonymous learner's identity: `circus_learner=<learnerId>.<issued>.<keyId>.<HMAC-SHA256 base64url>`,
// httpOnly and SameSite=Lax. Only this server (holding the secret) can mint one. The issue time and the
// key id let the secret be rotated (CIRCUS_PREVIOUS_SECRETS) without logging everyone out: a cookie of a
// previous key is accepted while younger than the grace period, and re-signed with the current key.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebConfig } from "../../config";
import { appendSetCookie, readCookie, serializeCookie } from "../http/cookies";

export const LEARNER_COOKIE = "circus_learner";

/** The secrets a learner cookie may be signed with: the current one, and previous ones for a grace period. */
export type LearnerCookieKeys = Pick<WebConfig, "secret"> &
  Partial<Pick<WebConfig, "previousSecrets" | "secretGraceDays">>;

/** Learner ids are 128 random bits in base64url, as `@circus/db` makes them. */
const LEARNER_ID = /^[A-Za-z0-9_-]{22}$/;
const ISSUED = /^[0-9a-z]{1,10}$/;
const KEY_ID = /^[A-Za-z0-9_-]{8}$/;
const DAY_MS = 24 * 3600 * 1000;
/** Clocks of a restarted server may differ a little; a cookie from further in the future is refused. */
const FUTURE_SLACK_MS = 5 * 60_000;
const DEFAULT_GRACE_DAYS = 30;

export interface VerifiedLearnerCookie {
  learnerId: string;
  /** Signed with a previous key (or in the format before key ids): issue a fresh cookie for the same learner. */
  renew: boolean;
}

export function newLearnerId(): string {
  return randomBytes(16).toString("base64url");
}

/** The public name of a secret: a cookie says which key signed it without revealing the key. */
export function keyIdOf(secret: string): string {
  return createHash("sha256").update(`circus-cookie-key:${secret}`).digest("base64url").slice(0, 8);
}

export function signLearnerId(learnerId: string, secret: string, issuedAtMs: number = Date.now()): string {
  const payload = `${learnerId}.${Math.floor(issuedAtMs / 1000).toString(36)}.${keyIdOf(secret)}`;
  return `${payload}.${signatureOf(payload, secret)}`;
}

/** The learner of a cookie value signed with one of `keys` (a previous key only within the grace period). */
export function verifyLearnerCookie(
  value: string | undefined,
  keys: LearnerCookieKeys,
  now: number = Date.now(),
): VerifiedLearnerCookie | undefined {
  if (value === undefined || value.length > 200) return undefined;
  const parts = value.split(".");
  if (parts.length === 2) return verifyUnversioned(parts[0]!, parts[1]!, keys.secret);
  if (parts.length !== 4) return undefined;
  const [learnerId = "", issued = "", keyId = "", signature = ""] = parts;
  if (!LEARNER_ID.test(learnerId) || !ISSUED.test(issued) || !KEY_ID.test(keyId)) return undefined;
  const current = keyIdOf(keys.secret) === keyId;
  const secret = current ? keys.secret : keys.previousSecrets?.find((previous) => keyIdOf(previous) === keyId);
  if (secret === undefined || !sameText(signature, signatureOf(`${learnerId}.${issued}.${keyId}`, secret))) {
    return undefined;
  }
  const issuedAtMs = Number.parseInt(issued, 36) * 1000;
  if (issuedAtMs > now + FUTURE_SLACK_MS) return undefined;
  if (current) return { learnerId, renew: false };
  const graceMs = (keys.secretGraceDays ?? DEFAULT_GRACE_DAYS) * DAY_MS;
  return now - issuedAtMs <= graceMs ? { learnerId, renew: true } : undefined;
}

/** The learner id carried by the request's signed cookie, or undefined. */
export function learnerIdFromRequest(
  req: Pick<IncomingMessage, "headers">,
  keys: LearnerCookieKeys,
): string | undefined {
  return verifyLearnerCookie(readCookie(req, LEARNER_COOKIE), keys)?.learnerId;
}

/** Sets the learner cookie on the response, signed with the current key. `secure` when served over HTTPS. */
export function issueLearnerCookie(
  res: ServerResponse,
  learnerId: string,
  options: { keys: LearnerCookieKeys; secure: boolean },
): void {
  appendSetCookie(
    res,
    serializeCookie(LEARNER_COOKIE, signLearnerId(learnerId, options.keys.secret), {
      httpOnly: true,
      sameSite: "Lax",
      secure: options.secure,
    }),
  );
}

/**
 * The request's learner id, issuing a new one (and its cookie) when the request has no valid cookie, and
 * re-signing a valid cookie of a previous key with the current one.
 */
export function ensureLearnerCookie(
  req: Pick<IncomingMessage, "headers">,
  res: ServerResponse,
  options: { keys: LearnerCookieKeys; secure: boolean },
): { learnerId: string; issued: boolean } {
  const existing = verifyLearnerCookie(readCookie(req, LEARNER_COOKIE), options.keys);
  if (existing) {
    if (existing.renew) issueLearnerCookie(res, existing.learnerId, options);
    return { learnerId: existing.learnerId, issued: false };
  }
  const learnerId = newLearnerId();
  issueLearnerCookie(res, learnerId, options);
  return { learnerId, issued: true };
}

/** `<learnerId>.<signature>`, the format before issue times and key ids: accepted with the current secret, then renewed. */
function verifyUnversioned(learnerId: string, signature: string, secret: string): VerifiedLearnerCookie | undefined {
  if (!LEARNER_ID.test(learnerId)) return undefined;
  const expected = createHmac("sha256", secret).update(`learner:${learnerId}`).digest("base64url");
  return sameText(signature, expected) ? { learnerId, renew: true } : undefined;
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(expected, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

function signatureOf(payload: string, secret: string): string {
  return createHmac("sha256", secret).update(`learner:${payload}`).digest("base64url");
}
