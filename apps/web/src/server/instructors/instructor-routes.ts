// The /api/instructors routes: account set-up state, sign-up, sign-in, sign-out, who am I, invitations.
import { z } from "zod";
import { defineRoute, type Route } from "../http/router";
import { inviteInstructor, signIn, signOut, signUp, toInstructorView } from "./instructor-accounts";
import { requireInstructor } from "./instructor-session";

const Email = z.email().max(254);
const Password = z.string().min(10, "use at least 10 characters").max(256);
const SignUpBody = z.object({
  email: Email,
  displayName: z.string().trim().min(1).max(80),
  password: Password,
  invitation: z.string().min(1).max(100).optional(),
  setupToken: z.string().min(1).max(200).optional(),
});
const SignInBody = z.object({ email: Email, password: z.string().min(1).max(256) });

export const instructorRoutes: readonly Route[] = [
  defineRoute({
    method: "GET",
    path: "/api/instructors/setup",
    handle: async ({ context }) => ({
      body: {
        firstAccount: (await context.db.countInstructors()) === 0,
        setupTokenRequired: context.firstAdminSetup.pending,
      },
    }),
  }),
  defineRoute({
    method: "POST",
    path: "/api/instructors/sign-up",
    body: SignUpBody,
    handle: async ({ body, req, res, context }) => {
      const { instructor } = await signUp(context, req, res, body);
      return { status: 201, body: { instructor: toInstructorView(instructor) } };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/instructors/sign-in",
    body: SignInBody,
    handle: async ({ body, req, res, context }) => {
      const { instructor } = await signIn(context, req, res, body);
      return { body: { instructor: toInstructorView(instructor) } };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/instructors/sign-out",
    handle: async ({ req, res, context }) => {
      await signOut(context, res, await requireInstructor(context, req));
      return { body: { signedOut: true } };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/instructors/me",
    handle: async ({ req, context }) => ({
      body: { instructor: toInstructorView((await requireInstructor(context, req)).instructor) },
    }),
  }),
  defineRoute({
    method: "POST",
    path: "/api/instructors/invitations",
    handle: async ({ req, context }) => {
      const { instructor } = await requireInstructor(context, req);
      return { status: 201, body: { invitation: await inviteInstructor(context, instructor) } };
    },
  }),
];
