// The header every page shares (the App Router's layout and the Pages Router's _app): the skip link, the
// brand, "My labs", the keyboard help and the theme toggle.
import type { ThemeChoice } from "../../player/color-scheme";
import { KeyboardHelp } from "./keyboard-help";
import type { SiteLink } from "./site-link";
import { ThemeToggle } from "./theme-toggle";

/** `Link`: `next/link` in the App Router, PlainLink in the Pages Router (site-link.tsx). */
export function SiteHeader({ theme, Link }: { theme: ThemeChoice; Link: SiteLink }) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link href="/" className="brand">
          Circus
        </Link>
        <span className="tagline">Learn cloud-native computing in your browser</span>
        <Link href="/labs" className="header-link">
          My labs
        </Link>
        <KeyboardHelp />
        <ThemeToggle initial={theme} />
      </header>
    </>
  );
}
