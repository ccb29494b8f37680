"use client";
// Light, dark or the system's choice: cycles on click, applied at once and remembered in a cookie
// that the layout reads, so the next page renders in the chosen theme without a flash.
import { useState } from "react";
import { chooseTheme, type ThemeChoice } from "../../player/color-scheme";

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: "dark", dark: "light", light: "system" };
const LABEL: Record<ThemeChoice, string> = { system: "Theme: system", dark: "Theme: dark", light: "Theme: light" };

export function ThemeToggle({ initial }: { initial: ThemeChoice }) {
  const [choice, setChoice] = useState<ThemeChoice>(initial);
  return (
    <button
      type="button"
      className="theme-toggle"
      data-theme-choice={choice}
      onClick={() => {
        const next = NEXT[choice];
        chooseTheme(next);
        setChoice(next);
      }}
    >
      {LABEL[choice]}
    </button>
  );
}
