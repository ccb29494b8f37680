// The player's page shell: checks that the learner owns the run (else 404, like the API), renders the
// scenario's steps on the server, and hands them to the client-side Player.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getScenario } from "../../../catalog/catalog-store";
import { Player } from "../../../player/player";
import { DevReload, WorkshopBanner } from "../../../player/player-extras";
import { getServerContext } from "../../../server/context";
import { loadOwnedRunView } from "./owned-run";
import { playerEditorFor, playerStepsFor } from "./player-steps";

type Params = Promise<{ runId: string }>;

export const metadata: Metadata = { title: "Sandbox" };

export default async function RunPage({ params }: { params: Params }) {
  const { runId } = await params;
  // The player starts from this view: a lab that is ready already needs no request before its terminal.
  const owned = await loadOwnedRunView(runId);
  const run = owned?.run;
  const scenario = run ? getScenario(run.scenarioId) : undefined;
  if (!owned || !run || !scenario) notFound();
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
        initialRun={owned.view}
      />
      {run.workshopId ? <WorkshopBanner /> : null}
    </>
  );
}
