// One workshop for its instructor (owner or admin; anyone else gets 404 like the API): the live console.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getServerContext } from "../../../../server/context";
import { toInstructorWorkshopView } from "../../../../server/workshops/workshop-views";
import { WorkshopConsole } from "../../../../workshops-ui/workshop-console";
import { InstructorWorkshopSchema } from "../../../../workshops-ui/workshop-schemas";
import { ownedWorkshop, requireInstructorPage } from "../../instructor-page-session";

export const metadata: Metadata = { title: "Workshop" };

type Params = Promise<{ workshopId: string }>;

export default async function WorkshopPage({ params }: { params: Params }) {
  const instructor = await requireInstructorPage();
  const context = getServerContext();
  const workshop = await ownedWorkshop(instructor, (await params).workshopId);
  if (!workshop) notFound();
  const view = InstructorWorkshopSchema.parse(await toInstructorWorkshopView(context, workshop));
  return (
    <>
      <p className="breadcrumb">
        <Link href="/instructor">← Your workshops</Link>
      </p>
      <h1>{view.title}</h1>
      <p className="muted">
        <time dateTime={view.startsAt}>{new Date(view.startsAt).toUTCString()}</time> to{" "}
        <time dateTime={view.endsAt}>{new Date(view.endsAt).toUTCString()}</time> · {view.capacity} seats · sandboxes
        live {Math.round(view.ttlSeconds / 60)} minutes
      </p>
      <WorkshopConsole workshop={view} />
    </>
  );
}
