import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
  ensureLearnerCookie,
  LEARNER_COOKIE,
  learnerIdFromRequest,
  newLearnerId,
  signLearnerId,
  verifyLearnerCookie,
} from "./learner-cookie";

const SECRET = "a-secret-of-at-least-thirty-two-chars!";

function response(): ServerResponse & { cookies: () => string[] } {
  const headers = new Map<string, unknown>();
  return {
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value),
    cookies: () => (headers.get("set-cookie") as string[] | undefined) ?? [],
  } as unknown as ServerResponse & { cookies: () => string[] };
}

describe("the learner cookie", () => {
  it("round-trips a learner id signed with the secret", () => {
    const id = newLearnerId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(verifyLearnerCookie(signLearnerId(id, SECRET), SECRET)).toBe(id);
  });

  it("refuses another secret, a changed id, a changed signature and malformed values", () => {
    const id = newLearnerId();
    const value = signLearnerId(id, SECRET);
    const other = newLearnerId();
    expect(verifyLearnerCookie(value, `${SECRET}x`)).toBeUndefined();
    expect(verifyLearnerCookie(`${other}${value.slice(id.length)}`, SECRET)).toBeUndefined();
    expect(verifyLearnerCookie(`${value.slice(0, -1)}${value.endsWith("A") ? "B" : "A"}`, SECRET)).toBeUndefined();
    for (const bad of [undefined, "", id, `${id}.`, `../etc.${value.split(".")[1]}`, "x.y.z"]) {
      expect(verifyLearnerCookie(bad, SECRET)).toBeUndefined();
    }
  });

  it("reads the id from the request's Cookie header among other cookies", () => {
    const id = newLearnerId();
    const req = { headers: { cookie: `theme=dark; ${LEARNER_COOKIE}=${signLearnerId(id, SECRET)}; x=1` } };
    expect(learnerIdFromRequest(req, SECRET)).toBe(id);
    expect(learnerIdFromRequest({ headers: {} }, SECRET)).toBeUndefined();
  });

  it("issues an httpOnly, SameSite=Lax cookie only when the request has no valid one", () => {
    const res = response();
    const issued = ensureLearnerCookie({ headers: {} }, res, { secret: SECRET, secure: true });
    expect(issued.issued).toBe(true);
    const [cookie = ""] = res.cookies();
    expect(cookie).toContain(`${LEARNER_COOKIE}=${encodeURIComponent(signLearnerId(issued.learnerId, SECRET))}`);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\//);

    const again = response();
    const cookieHeader = `${LEARNER_COOKIE}=${signLearnerId(issued.learnerId, SECRET)}`;
    const kept = ensureLearnerCookie({ headers: { cookie: cookieHeader } }, again, { secret: SECRET, secure: false });
    expect(kept).toEqual({ learnerId: issued.learnerId, issued: false });
    expect(again.cookies()).toEqual([]);
  });
});
