import type { Metadata } from "next";
import { JoinForm } from "../../workshops-ui/join-form";

export const metadata: Metadata = { title: "Join a workshop" };

export default function JoinPage() {
  return (
    <>
      <h1>Join a workshop</h1>
      <p>Type the code your instructor shows, and the name you want them to see.</p>
      <JoinForm />
    </>
  );
}
