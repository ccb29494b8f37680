import type { Metadata } from "next";
import Link from "next/link";
import { getCatalog } from "../../../../catalog/catalog-store";
import { WorkshopForm } from "../../../../workshops-ui/workshop-form";
import { requireInstructorPage } from "../../instructor-page-session";

export const metadata: Metadata = { title: "New workshop" };

export default async function NewWorkshopPage() {
  await requireInstructorPage();
  const catalog = getCatalog().map((entry) => ({ id: entry.id, title: entry.title }));
  return (
    <>
      <p className="breadcrumb">
        <Link href="/instructor">← Your workshops</Link>
      </p>
      <h1>New workshop</h1>
      <WorkshopForm catalog={catalog} />
    </>
  );
}
