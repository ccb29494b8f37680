import type { Metadata } from "next";
import { JoinForm } from "../../../workshops-ui/join-form";

export const metadata: Metadata = { title: "Join a workshop" };

type Params = Promise<{ code: string }>;

export default async function JoinWithCodePage({ params }: { params: Params }) {
  const code = decodeURIComponent((await params).code).slice(0, 64);
  return (
    <>
      <h1>Join a workshop</h1>
      <p>Choose the name your instructor will see, then join.</p>
      <JoinForm code={code} />
    </>
  );
}
