// `next/router` (and `next/navigation`'s useRouter) in the player's own client entry (build-player-entry.ts aliases it here): no client router
// runs on that page, so a navigation is a document load, and `replace` of the page's own address (circus
// dev's live preview) fetches the page again and re-renders it with its new props, keeping the player.
import { useMemo } from "react";
import { fetchPageProps, renderPageProps } from "./page-props";

export interface PlayerRouter {
  readonly asPath: string;
  push(url: string): Promise<boolean>;
  replace(url: string, as?: unknown, options?: unknown): Promise<boolean>;
  prefetch(url: string): Promise<void>;
}

function currentPath(): string {
  return `${window.location.pathname}${window.location.search}`;
}

const router: PlayerRouter = {
  get asPath() {
    return currentPath();
  },
  async push(url) {
    window.location.assign(url);
    return true;
  },
  async replace(url) {
    if (url === currentPath()) {
      renderPageProps(await fetchPageProps(url));
      return true;
    }
    window.location.replace(url);
    return true;
  },
  async prefetch() {},
};

export function useRouter(): PlayerRouter {
  return useMemo(() => router, []);
}

export default router;
