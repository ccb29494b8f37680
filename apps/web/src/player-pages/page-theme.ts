// The learner's theme choice read from a request's Cookie header, for pages rendered by the Pages Router
// (the App Router's layout reads it through next/headers).
import { parseThemeChoice, THEME_COOKIE, type ThemeChoice } from "../player/color-scheme";

export function themeFromCookieHeader(cookie: string | undefined): ThemeChoice {
  for (const part of (cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === THEME_COOKIE) return parseThemeChoice(decodeURIComponent(value.join("=")));
  }
  return "system";
}
