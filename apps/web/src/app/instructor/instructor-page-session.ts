// Who is signed in as an instructor, for pages: the session cookie and rule of the API
// (src/server/instructors/instructor-session.ts), read through the server's context. That module imports
// the API's error table, which pulls the sandbox runtime into Next's bundle, so the cookie is read here.
import { createHash } from "node:crypto";
import type { Instructor, Workshop } from "@circus/db";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getServerContext } from "../../server/context";
import { readCookie } from "../../server/http/cookies";

/** Same name and token shape as INSTRUCTOR_COOKIE in instructor-session.ts. */
const INSTRUCTOR_COOKIE = "circus_instructor";
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export async function currentInstructor(): Promise<Instructor | undefined> {
  const cookie = (await headers()).get("cookie") ?? undefined;
  const token = readCookie({ headers: { cookie } }, INSTRUCTOR_COOKIE);
  if (token === undefined || !TOKEN.test(token)) return undefined;
  const tokenHash = createHash("sha256").update(token).digest("base64url");
  return (await getServerContext().db.findInstructorSession(tokenHash))?.instructor;
}

/** The signed-in instructor; anyone else is redirected to the sign-in page (or sign-up on a fresh install). */
export async function requireInstructorPage(): Promise<Instructor> {
  const instructor = await currentInstructor();
  if (instructor) return instructor;
  redirect((await isFreshInstall()) ? "/instructor/sign-up" : "/instructor/sign-in");
}

/** No instructor account exists yet: the next sign-up becomes the admin. */
export async function isFreshInstall(): Promise<boolean> {
  return (await getServerContext().db.countInstructors()) === 0;
}

/** The workshop when the instructor owns it or is an admin (the API's rule); otherwise undefined. */
export async function ownedWorkshop(instructor: Instructor, workshopId: string): Promise<Workshop | undefined> {
  const workshop = await getServerContext().db.getWorkshop(workshopId);
  if (!workshop || (workshop.ownerId !== instructor.id && !instructor.isAdmin)) return undefined;
  return workshop;
}

/** The instructor's workshops; an admin sees everyone's (the API's rule). */
export function listOwnWorkshops(instructor: Instructor): Promise<Workshop[]> {
  return getServerContext().db.listWorkshops(instructor.isAdmin ? {} : { ownerId: instructor.id });
}
