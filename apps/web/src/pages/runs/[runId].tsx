// The player's page: checks on the server that the learner owns the run (else 404, like the API), renders
// the scenario's steps there, and hands them to the client-side Player. Served by the Pages Router: its
// first scripts are React, xterm.js and the player, without the App Router's runtime.
import type { GetServerSideProps } from "next";
import Head from "next/head";
import { getScenario } from "../../catalog/catalog-store";
import { Player, type PlayerProps } from "../../player/player";
import { DevReload, WorkshopBanner } from "../../player/player-extras";
import { jsonProps } from "../../player-pages/json-props";
import { loadOwnedRunView } from "../../player-pages/owned-run-view";
import { PageNotFound } from "../../player-pages/page-not-found";
import { themeFromCookieHeader } from "../../player-pages/page-theme";
import { playerEditorFor, playerStepsFor } from "../../player-pages/player-steps";
import { getServerContext } from "../../server/context";
import type { ShellProps } from "../_app";

type RunPageProps = ShellProps &
  ({ found: false } | { found: true; player: PlayerProps; devScenario: boolean; workshop: boolean });

export const getServerSideProps: GetServerSideProps<RunPageProps, { runId: string }> = async ({ req, res, params }) => {
  const theme = themeFromCookieHeader(req.headers.cookie);
  // The player starts from this view: a lab that is ready already needs no request before its terminal.
  const owned = await loadOwnedRunView(params?.runId ?? "", req.headers.cookie);
  const run = owned?.run;
  const scenario = run ? getScenario(run.scenarioId) : undefined;
  if (!owned || !run || !scenario) {
    // Rendered here rather than as `notFound`: this page keeps the request's CSP nonce and theme.
    res.statusCode = 404;
    return { props: { theme, found: false } };
  }
  const player: PlayerProps = {
    runId: run.id,
    scenarioId: scenario.id,
    scenarioTitle: scenario.title,
    steps: playerStepsFor(scenario, run.id),
    editor: playerEditorFor(scenario),
    initialRun: owned.view,
  };
  return {
    props: jsonProps({
      theme,
      found: true,
      player,
      // `circus dev`: the page follows the scenario's files as they are saved.
      devScenario: getServerContext().config.devScenarioDir !== undefined,
      workshop: Boolean(run.workshopId),
    }),
  };
};

export default function RunPage(props: RunPageProps) {
  if (!props.found) {
    return <PageNotFound />;
  }
  return (
    <>
      <Head>
        <title>Sandbox · Circus</title>
      </Head>
      {props.devScenario ? <DevReload scenarioId={props.player.scenarioId} /> : null}
      {/* A new run (Start again) is a new player, as a new page would be. */}
      <Player key={props.player.runId} {...props.player} />
      {props.workshop ? <WorkshopBanner /> : null}
    </>
  );
}
