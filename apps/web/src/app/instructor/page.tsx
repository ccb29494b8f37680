// The instructor's home: their workshops (an admin sees everyone's), a new one, invitations for admins.
import type { Metadata } from "next";
import Link from "next/link";
import { phaseOf } from "../../server/workshops/workshop-phase";
import { SignOutButton } from "../../workshops-ui/instructor-forms";
import { InviteBox } from "../../workshops-ui/invite-box";
import { listOwnWorkshops, requireInstructorPage } from "./instructor-page-session";

export const metadata: Metadata = { title: "Your workshops" };

const PHASE_LABEL = { scheduled: "Scheduled", reserving: "Opening", running: "Running", ended: "Ended" } as const;

export default async function InstructorHome() {
  const instructor = await requireInstructorPage();
  const workshops = await listOwnWorkshops(instructor);
  return (
    <>
      <div className="instructor-bar">
        <h1>Your workshops</h1>
        <span className="muted">
          Signed in as {instructor.displayName}
          {instructor.isAdmin ? " (admin)" : ""}
        </span>
        <SignOutButton />
      </div>
      <p>
        <Link className="button-link primary" href="/instructor/workshops/new">
          New workshop
        </Link>
      </p>
      {workshops.length > 0 ? (
        <ul className="workshop-list" aria-label="Workshops">
          {workshops.map((workshop) => {
            const phase = phaseOf(workshop);
            return (
              <li key={workshop.id} data-phase={phase}>
                <Link href={`/instructor/workshops/${encodeURIComponent(workshop.id)}`}>{workshop.title}</Link>
                <span className="phase">{PHASE_LABEL[phase]}</span>
                <div className="muted">
                  {workshop.startsAt.toUTCString()} · {workshop.capacity} seats
                </div>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">No workshops yet.</p>
      )}
      {instructor.isAdmin ? <InviteBox /> : null}
    </>
  );
}
