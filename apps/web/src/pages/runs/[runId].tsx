// The player's page: checks on the server that the learner owns the run (else 404, like the API), renders
// the scenario's steps there, and hands them to the client-side Player. Served by the Pages Router: its
// first scripts are the player's own client entry (React DOM, xterm.js and the player, player-entry/), not
// Next's client runtime: a document load of this page hydrates it with that entry (_document.tsx). A
// client-side navigation from the scenario page (Start) still renders it with Next's runtime there.
import type { GetServerSideProps, PageConfig } from "next";
import { getScenario } from "../../catalog/catalog-store";
import type { PlayerProps } from "../../player/player";
import { jsonProps } from "../../player-pages/json-props";
import { loadOwnedRunView } from "../../player-pages/owned-run-view";
import { themeFromCookieHeader } from "../../player-pages/page-theme";
import { playerEditorFor, playerStepsFor } from "../../player-pages/player-steps";
import { RunPage, type RunPageProps } from "../../player-pages/run-page";
import { getServerContext } from "../../server/context";

/** Next's client runtime stays off this page in production (Next ignores it in dev); see _document.tsx. */
export const config: PageConfig = { unstable_runtimeJS: false };

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

export default RunPage;
