// The header every page shares (the App Router's layout and the Pages Router's _app): the skip link, the
// brand, "My labs", the keyboard help and the theme toggle.
import Link from "next/link";
import type { ThemeChoice } from "../../player/color-scheme";
import { KeyboardHelp } from "./keyboard-help";
import { ThemeToggle } from "./theme-toggle";

export function SiteHeader({ theme }: { theme: ThemeChoice }) {
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
