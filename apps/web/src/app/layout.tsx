import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Circus", template: "%s · Circus" },
  description: "Learn cloud-native computing in your browser",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: the CSP nonce server.ts sets is new each time.
  await connection();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link href="/" className="brand">
            Circus
          </Link>
          <span className="tagline">Learn cloud-native computing in your browser</span>
        </header>
        <main id="main" className="site-main">
          {children}
        </main>
      </body>
    </html>
  );
}
