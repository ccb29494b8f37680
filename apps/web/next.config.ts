// Next.js configuration of the web app. Security headers (CSP with a per-request nonce, framing,
// referrer) are set by server.ts for every response, so they are not repeated here.
import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // @circus/scenario exports its TypeScript source.
  transpilePackages: ["@circus/scenario"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
