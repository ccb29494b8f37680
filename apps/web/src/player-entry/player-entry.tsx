// The player page's own client entry (built by build-player-entry.ts, loaded by _document.tsx instead of
// Next's client runtime): hydrates the same tree _app renders on the server, the header and the player.
// xterm.js, which the first prompt needs, is fetched at once, while React hydrates.
import { hydrateRoot } from "react-dom/client";
import { PageShell } from "../player-pages/page-shell";
import { RunPage, type RunPageProps } from "../player-pages/run-page";
import { readPageProps, setPagePropsRenderer } from "./page-props";

void Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit"), import("@xterm/addon-web-links")]).catch(
  () => undefined,
);

function PlayerDocument({ props }: { props: RunPageProps }) {
  return (
    <PageShell theme={props.theme}>
      <RunPage {...props} />
    </PageShell>
  );
}

const container = document.getElementById("__next");
if (!container) throw new Error("The player page has no #__next element to hydrate.");
const root = hydrateRoot(container, <PlayerDocument props={readPageProps(document) as RunPageProps} />);
setPagePropsRenderer((props) => root.render(<PlayerDocument props={props as RunPageProps} />));
