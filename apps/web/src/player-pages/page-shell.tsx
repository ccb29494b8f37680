// What every Pages Router page shows around its content: the header and <main>. Rendered by _app on the
// server (and by Next's runtime on the scenario page) and by the player's own client entry, which hydrates
// the same tree (player-entry/player-entry.tsx).
import type { ReactNode } from "react";
import { SiteHeader } from "../app/_components/site-header";
import { PlainLink } from "../app/_components/site-link";
import type { ThemeChoice } from "../player/color-scheme";

export function PageShell({ theme, children }: { theme: ThemeChoice; children: ReactNode }) {
  return (
    <>
      <SiteHeader theme={theme} Link={PlainLink} />
      <main id="main" className="site-main">
        {children}
      </main>
    </>
  );
}
