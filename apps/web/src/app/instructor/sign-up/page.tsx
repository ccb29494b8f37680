import type { Metadata } from "next";
import Link from "next/link";
import { SignUpForm } from "../../../workshops-ui/instructor-forms";
import { isFreshInstall } from "../instructor-page-session";

export const metadata: Metadata = { title: "Create an instructor account" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignUpPage({ searchParams }: { searchParams: SearchParams }) {
  const { invitation, setup } = await searchParams;
  const token = typeof invitation === "string" && invitation.length > 0 ? invitation : undefined;
  const setupToken = typeof setup === "string" ? setup : "";
  const fresh = await isFreshInstall();
  return (
    <>
      <h1>Create an instructor account</h1>
      {fresh ? (
        <p>
          This is the first account of this Circus: it becomes the admin, who can invite other instructors. It needs the
          one-time setup token the server printed when it started.
        </p>
      ) : token ? (
        <p>You were invited to teach workshops on this Circus.</p>
      ) : (
        <p role="alert">
          Instructors join by invitation: ask an admin of this Circus for an invitation link.{" "}
          <Link href="/instructor/sign-in">Sign in</Link> if you already have an account.
        </p>
      )}
      {fresh ? <SignUpForm setupToken={setupToken} /> : token ? <SignUpForm invitation={token} /> : null}
    </>
  );
}
