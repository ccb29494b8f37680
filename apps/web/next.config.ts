// Next.js configuration of the web app. Security headers (CSP with a per-request nonce, framing,
// referrer) are set by server.ts for every response, so they are not repeated here.
import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // @circus/scenario exports its TypeScript source.
  transpilePackages: ["@circus/scenario"],
  poweredByHeader: false,
  reactStrictMode: true,
  experimental: {
    // The player and the scenario page are Pages Router pages beside App Router ones under the same prefixes
    // (`/runs/<id>` and `/runs/<id>/finish`): the client router filter would send every `/runs/...` navigation
    // through a document reload (dropping the terminal socket Start opened). Without it, a navigation to an
    // App Router page still reloads the document, once the Pages Router finds no page of its own for it.
    clientRouterFilter: false,
  },
};

export default nextConfig;
