import { createHmac } from "node:crypto";
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
  ensureLearnerCookie,
  keyIdOf,
  LEARNER_COOKIE,
  learnerIdFromRequest,
  newLearnerId,
  signLearnerId,
  verifyLearnerCookie,
} from "./learner-cookie";

const SECRET = "a-secret-of-at-least-thirty-two-chars!";
const OLD = "the-previous-secret-of-32-characters-or-more";
const KEYS = { secret: SECRET };
const ROTATED = { secret: SECRET, previousSecrets: [OLD], secretGraceDays: 30 };
const DAY = 24 * 3600 * 1000;

function response(): ServerResponse & { cookies: () => string[] } {
  const headers = new Map<string, unknown>();
  return {
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value),
    cookies: () => (headers.get("set-cookie") as string[] | undefined) ?? [],
  } as unknown as ServerResponse & { cookies: () => string[] };
}

describe("the learner cookie", () => {
  it("carries the learner id, its issue time and the key id, signed with the secret", () => {
    const id = newLearnerId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const at = Date.UTC(2026, 0, 2);
    const value = signLearnerId(id, SECRET, at);
    expect(value.split(".").slice(0, 3)).toEqual([id, (at / 1000).toString(36), keyIdOf(SECRET)]);
    expect(keyIdOf(SECRET)).not.toBe(keyIdOf(OLD));
    expect(verifyLearnerCookie(value, KEYS)).toEqual({ learnerId: id, renew: false });
  });

  it("refuses another secret, a changed id, time or key id, a changed signature and malformed values", () => {
    const id = newLearnerId();
    const value = signLearnerId(id, SECRET);
    const [, issued, keyId, signature] = value.split(".");
    const other = newLearnerId();
    expect(verifyLearnerCookie(value, { secret: `${SECRET}x` })).toBeUndefined();
    expect(verifyLearnerCookie(`${other}.${issued}.${keyId}.${signature}`, KEYS)).toBeUndefined();
    expect(
      verifyLearnerCookie(`${id}.${(Number.parseInt(issued!, 36) - 1).toString(36)}.${keyId}.${signature}`, KEYS),
    ).toBeUndefined();
    expect(verifyLearnerCookie(`${id}.${issued}.${keyIdOf(OLD)}.${signature}`, ROTATED)).toBeUndefined();
    expect(verifyLearnerCookie(`${value.slice(0, -1)}${value.endsWith("A") ? "B" : "A"}`, KEYS)).toBeUndefined();
    for (const bad of [undefined, "", id, `${id}.`, `../etc.${signature}`, "x.y.z", "a.b.c.d", `${value}.x`]) {
      expect(verifyLearnerCookie(bad, KEYS)).toBeUndefined();
    }
    // Issued in the future (beyond clock slack): refused.
    expect(verifyLearnerCookie(signLearnerId(id, SECRET, Date.now() + DAY), KEYS)).toBeUndefined();
  });

  it("accepts a previous key's cookie within the grace period (to be renewed), and refuses it after", () => {
    const id = newLearnerId();
    const now = Date.now();
    const recent = signLearnerId(id, OLD, now - 29 * DAY);
    const stale = signLearnerId(id, OLD, now - 31 * DAY);
    expect(verifyLearnerCookie(recent, ROTATED, now)).toEqual({ learnerId: id, renew: true });
    expect(verifyLearnerCookie(stale, ROTATED, now)).toBeUndefined();
    // Without the previous secret configured, its cookies are unknown.
    expect(verifyLearnerCookie(recent, KEYS, now)).toBeUndefined();
    // The current key's cookies have no such limit (the cookie's own Max-Age bounds them).
    expect(verifyLearnerCookie(signLearnerId(id, SECRET, now - 300 * DAY), ROTATED, now)).toEqual({
      learnerId: id,
      renew: false,
    });
  });

  it("accepts the format before key ids with the current secret only, to be renewed", () => {
    const id = newLearnerId();
    const unversioned = (secret: string) =>
      `${id}.${createHmac("sha256", secret).update(`learner:${id}`).digest("base64url")}`;
    expect(verifyLearnerCookie(unversioned(SECRET), ROTATED)).toEqual({ learnerId: id, renew: true });
    expect(verifyLearnerCookie(unversioned(OLD), ROTATED)).toBeUndefined();
  });

  it("reads the id from the request's Cookie header among other cookies", () => {
    const id = newLearnerId();
    const req = { headers: { cookie: `theme=dark; ${LEARNER_COOKIE}=${signLearnerId(id, SECRET)}; x=1` } };
    expect(learnerIdFromRequest(req, KEYS)).toBe(id);
    expect(learnerIdFromRequest({ headers: {} }, KEYS)).toBeUndefined();
  });

  it("issues an httpOnly, SameSite=Lax cookie only when the request has no valid one, and renews a previous key's", () => {
    const res = response();
    const issued = ensureLearnerCookie({ headers: {} }, res, { keys: KEYS, secure: true });
    expect(issued.issued).toBe(true);
    const [cookie = ""] = res.cookies();
    const value = decodeURIComponent(cookie.split(";")[0]!.slice(LEARNER_COOKIE.length + 1));
    expect(verifyLearnerCookie(value, KEYS)).toEqual({ learnerId: issued.learnerId, renew: false });
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\//);

    const again = response();
    const cookieHeader = `${LEARNER_COOKIE}=${signLearnerId(issued.learnerId, SECRET)}`;
    const kept = ensureLearnerCookie({ headers: { cookie: cookieHeader } }, again, { keys: KEYS, secure: false });
    expect(kept).toEqual({ learnerId: issued.learnerId, issued: false });
    expect(again.cookies()).toEqual([]);

    const rotated = response();
    const oldHeader = `${LEARNER_COOKIE}=${signLearnerId(issued.learnerId, OLD)}`;
    const renewed = ensureLearnerCookie({ headers: { cookie: oldHeader } }, rotated, { keys: ROTATED, secure: false });
    expect(renewed).toEqual({ learnerId: issued.learnerId, issued: false });
    const [fresh = ""] = rotated.cookies();
    expect(fresh.split(";")[0]).toContain(`.${keyIdOf(SECRET)}.`);
  });
});
