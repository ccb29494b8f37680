// Light and dark: the page follows prefers-color-scheme unless the learner picked one (the
// `circus_theme` cookie, mirrored on <html data-theme>). The terminal gets matching colours.
import type { ITheme } from "@xterm/xterm";

export type ColorScheme = "light" | "dark";
export type ThemeChoice = ColorScheme | "system";

export const THEME_COOKIE = "circus_theme";

/** The scheme in effect now: the learner's choice on <html>, else the system's preference. */
export function currentColorScheme(): ColorScheme {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === "light" || chosen === "dark") return chosen;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** Applies a choice to the page and remembers it for the server's next render. */
export function chooseTheme(choice: ThemeChoice): void {
  if (choice === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
  const maxAge = choice === "system" ? 0 : 365 * 24 * 3600;
  // biome-ignore lint/suspicious/noDocumentCookie: a plain preference cookie; the Cookie Store API is not in every browser yet.
  document.cookie = `${THEME_COOKIE}=${choice}; Path=/; Max-Age=${maxAge}; SameSite=Lax`;
}

export function parseThemeChoice(value: string | undefined): ThemeChoice {
  return value === "light" || value === "dark" ? value : "system";
}

const DARK: ITheme = {
  background: "#151513",
  foreground: "#e8e6e1",
  cursor: "#fb923c",
  selectionBackground: "#5b4a3a",
};

const LIGHT: ITheme = {
  background: "#fdfcfa",
  foreground: "#1c1b19",
  cursor: "#b4400c",
  selectionBackground: "#f5d0b5",
  black: "#1c1b19",
  brightBlack: "#5b5852",
  white: "#a9a59c",
  brightWhite: "#6b6862",
  yellow: "#8a6100",
  brightYellow: "#7a5500",
};

export function terminalTheme(scheme: ColorScheme): ITheme {
  return scheme === "dark" ? DARK : LIGHT;
}
