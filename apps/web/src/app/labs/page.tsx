// "My labs": the labs this learner saved, to resume or delete, and how much of their storage they take.
import type { Metadata } from "next";
import { MyLabsList } from "../../labs-ui/my-labs-list";

export const metadata: Metadata = { title: "My labs" };

export default function MyLabsPage() {
  return (
    <section className="my-labs" aria-labelledby="my-labs-heading">
      <h1 id="my-labs-heading">My labs</h1>
      <p>
        Labs you saved with “Save and leave”. Their files are kept until the date shown; resume one to go on where you
        left it.
      </p>
      <MyLabsList />
    </section>
  );
}
