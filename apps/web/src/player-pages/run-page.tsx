// The player page's content, apart from its data loading (pages/runs/[runId].tsx): rendered by Next on the
// server and hydrated by the player's own client entry (player-entry/), or by Next's runtime after a
// client-side navigation from the scenario page.
import Head from "next/head";
import type { ThemeChoice } from "../player/color-scheme";
import { Player, type PlayerProps } from "../player/player";
import { DevReload, WorkshopBanner } from "../player/player-extras";
import { PageNotFound } from "./page-not-found";

export type RunPageProps = { theme: ThemeChoice } & (
  | { found: false }
  | { found: true; player: PlayerProps; devScenario: boolean; workshop: boolean }
);

export function RunPage(props: RunPageProps) {
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
