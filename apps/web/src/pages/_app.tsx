// The Pages Router's shell (the player and the scenario page): the same header, styles and <main> as the
// App Router's layout. A client-side navigation between these pages keeps the document, so the terminal
// socket Start opens on the scenario page reaches the player (player/terminal-link.ts).
import type { AppProps } from "next/app";
import Head from "next/head";
import type { ThemeChoice } from "../player/color-scheme";
import { PageShell } from "../player-pages/page-shell";
import "@xterm/xterm/css/xterm.css";
import "../app/globals.css";
import "../app/player.css";
// Global here (not beside dev-reload.tsx): the player's own client entry loads no CSS of its own.
import "../player/dev-reload.css";

/** What every page of this router passes to the shell. */
export interface ShellProps {
  theme: ThemeChoice;
}

export default function CircusApp({ Component, pageProps }: AppProps<ShellProps>) {
  return (
    <>
      <Head>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="description" key="description" content="Learn cloud-native computing in your browser" />
        <link rel="icon" href="/icon.svg" type="image/svg+xml" />
      </Head>
      <PageShell theme={pageProps.theme ?? "system"}>
        <Component {...pageProps} />
      </PageShell>
    </>
  );
}
