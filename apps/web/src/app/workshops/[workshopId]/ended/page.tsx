// The closing page of a workshop for its learners: it has ended and their sandboxes are gone.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { loadLearnerWorkshop } from "../../learner-workshop";

export const metadata: Metadata = { title: "Workshop ended" };

type Params = Promise<{ workshopId: string }>;

export default async function WorkshopEndedPage({ params }: { params: Params }) {
  const found = await loadLearnerWorkshop((await params).workshopId);
  if (!found) notFound();
  const { workshop, participant } = found;
  const ended = workshop.endedAt !== null || workshop.endsAt <= new Date();
  return (
    <div className="empty-state" data-testid="workshop-closing" data-ended={ended}>
      <h1>{ended ? `“${workshop.title}” has ended` : `“${workshop.title}” is still running`}</h1>
      {ended ? (
        <>
          <p>Thank you for taking part, {participant.displayName}! Your sandboxes have been removed.</p>
          <p>
            Keep practising on your own: <Link href="/">browse the scenarios</Link>.
          </p>
        </>
      ) : (
        <p>
          <Link href={`/workshops/${encodeURIComponent(workshop.id)}`}>Back to the workshop</Link>
        </p>
      )}
    </div>
  );
}
