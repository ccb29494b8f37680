import type { Metadata } from "next";
import { cookies } from "next/headers";
import Link from "next/link";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { parseThemeChoice, THEME_COOKIE } from "../player/color-scheme";
import { SiteHeader } from "./_components/site-header";
import "@xterm/xterm/css/xterm.css";
import "./globals.css";
import "./player.css";

export const metadata: Metadata = {
  title: { default: "Circus", template: "%s · Circus" },
  description: "Learn cloud-native computing in your browser",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request: the CSP nonce server.ts sets is new each time.
  await connection();
  const theme = parseThemeChoice((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" data-theme={theme === "system" ? undefined : theme}>
      <body>
        <SiteHeader theme={theme} Link={Link} />
        <main id="main" className="site-main">
          {children}
        </main>
      </body>
    </html>
  );
}
