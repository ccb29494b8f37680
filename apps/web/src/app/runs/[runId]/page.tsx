// The player's page shell: checks that the learner owns the run (else 404, like the API), renders the
// scenario's steps on the server, and hands them to the client-side Player.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getScenario } from "../../../catalog/catalog-store";
import { DevReload } from "../../../player/dev-reload";
import { Player } from "../../../player/player";
import { getServerContext } from "../../../server/context";
import { WorkshopBanner } from "../../../workshops-ui/workshop-banner";
import { loadOwnedRun } from "./owned-run";
import { playerEditorFor, playerStepsFor } from "./player-steps";

type Params = Promise<{ runId: string }>;

export const metadata: Metadata = { title: "Sandbox" };

export default async function RunPage({ params }: { params: Params }) {
  const { runId } = await params;
  const run = await loadOwnedRun(runId);
  const scenario = run ? getScenario(run.scenarioId) : undefined;
  if (!run || !scenario) notFound();
  // `circus dev`: the page follows the scenario's files as they are saved.
  const devScenario = getServerContext().config.devScenarioDir !== undefined;
  return (
    <>
      {devScenario ? <DevReload scenarioId={scenario.id} /> : null}
      <Player
        runId={run.id}
        scenarioId={scenario.id}
        scenarioTitle={scenario.title}
        steps={playerStepsFor(scenario, run.id)}
        editor={playerEditorFor(scenario)}
      />
      {run.workshopId ? <WorkshopBanner /> : null}
    </>
  );
}
