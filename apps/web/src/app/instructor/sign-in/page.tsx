import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SignInForm } from "../../../workshops-ui/instructor-forms";
import { currentInstructor, isFreshInstall } from "../instructor-page-session";

export const metadata: Metadata = { title: "Instructor sign-in" };

export default async function SignInPage() {
  if (await currentInstructor()) redirect("/instructor");
  const fresh = await isFreshInstall();
  return (
    <>
      <h1>Instructor sign-in</h1>
      {fresh ? (
        <p>
          No instructor account exists yet. <Link href="/instructor/sign-up">Create the first one</Link>: it becomes the
          admin.
        </p>
      ) : null}
      <SignInForm />
      <p className="muted">Learners do not need an account: they join a workshop with its code.</p>
    </>
  );
}
