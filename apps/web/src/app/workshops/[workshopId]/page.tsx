// A learner's workshop: its scenarios in order, each with Start (the usual run flow, placed in the
// workshop by the server), and the instructor's messages; an ended workshop shows its closing page.
import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { WarmPlayerEntry } from "../../../player-entry/warm-player-entry";
import { getServerContext } from "../../../server/context";
import { phaseOf } from "../../../server/workshops/workshop-phase";
import { scenariosOf } from "../../../server/workshops/workshop-views";
import { ScenarioStartButton } from "../../../workshops-ui/scenario-start-button";
import { WorkshopBanner } from "../../../workshops-ui/workshop-banner";
import { loadLearnerWorkshop } from "../learner-workshop";

export const metadata: Metadata = { title: "Workshop" };

type Params = Promise<{ workshopId: string }>;

export default async function LearnerWorkshopPage({ params }: { params: Params }) {
  const found = await loadLearnerWorkshop((await params).workshopId);
  if (!found) notFound();
  const { workshop, participant } = found;
  if (phaseOf(workshop) === "ended") redirect(`/workshops/${encodeURIComponent(workshop.id)}/ended`);
  const scenarios = scenariosOf(getServerContext(), workshop);
  return (
    <>
      <WarmPlayerEntry />
      <h1>{workshop.title}</h1>
      <p>
        Welcome, <strong data-testid="participant-name">{participant.displayName}</strong>. Work through these scenarios
        in order; your instructor sees how far you are.
      </p>
      <ol className="workshop-scenarios" aria-label="Workshop scenarios">
        {scenarios.map((scenario) => (
          <li key={scenario.id} data-scenario-id={scenario.id}>
            <h2>{scenario.title}</h2>
            {scenario.description ? <p className="muted">{scenario.description}</p> : null}
            <p className="muted">
              {scenario.steps.length} {scenario.steps.length === 1 ? "step" : "steps"}
            </p>
            <ScenarioStartButton scenarioId={scenario.id} title={scenario.title} />
          </li>
        ))}
      </ol>
      <WorkshopBanner />
    </>
  );
}
