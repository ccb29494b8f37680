// Reads the free-form catalogue fields of index.json the way authors actually wrote them:
// difficulty words ("Beginner", "easy", "hard") and times ("10 minutes", "15-20 minutes", "1 hour").
import type { Difficulty } from "../model";

const DIFFICULTY_WORDS: Readonly<Record<string, Difficulty>> = {
  beginner: "beginner",
  beginners: "beginner",
  easy: "beginner",
  basic: "beginner",
  novice: "beginner",
  introductory: "beginner",
  intermediate: "intermediate",
  medium: "intermediate",
  moderate: "intermediate",
  advanced: "advanced",
  hard: "advanced",
  expert: "advanced",
  difficult: "advanced",
};

/** The difficulty a word means, in any casing; undefined when it is not a known word. */
export function parseDifficulty(raw: string): Difficulty | undefined {
  const word = raw.trim().toLowerCase();
  return Object.hasOwn(DIFFICULTY_WORDS, word) ? DIFFICULTY_WORDS[word] : undefined;
}

const MINUTES_PER_UNIT: Readonly<Record<string, number>> = {
  m: 1,
  min: 1,
  mins: 1,
  minute: 1,
  minutes: 1,
  h: 60,
  hr: 60,
  hrs: 60,
  hour: 60,
  hours: 60,
};

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const UNIT = "(minutes?|mins?|m|hours?|hrs?|hr|h)?";
/** One term: a number or a range, then an optional unit ("15-20 minutes", "1h", "30"). */
const TERM = new RegExp(String.raw`\s*${NUMBER}(?:\s*(?:-|–|to)\s*${NUMBER})?\s*${UNIT}\s*(?:,|and)?`, "y");
const LEADING_HEDGE = /^(?:~|<|about|approx\.?|approximately|around|up to|under)\s*/;

/**
 * Minutes from a KataCoda `time`: a number of minutes, or text of terms with units ("1 hour 30 minutes",
 * "1h30m"); a range counts as its upper end. Undefined when it cannot be read or is not 1..1440 minutes.
 */
export function parseDurationMinutes(raw: string | number): number | undefined {
  if (typeof raw === "number") return inRange(Math.round(raw));
  const text = raw.trim().toLowerCase().replace(LEADING_HEDGE, "");
  if (text === "") return undefined;
  let total = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < text.length) {
    const start = TERM.lastIndex;
    const match = TERM.exec(text);
    if (!match || TERM.lastIndex === start) return undefined;
    const [, low, high, unit] = match;
    const amount = Number((high ?? low)!.replace(",", "."));
    total += amount * MINUTES_PER_UNIT[unit ?? "minutes"]!;
  }
  return inRange(Math.round(total));
}

function inRange(minutes: number): number | undefined {
  return Number.isFinite(minutes) && minutes >= 1 && minutes <= 24 * 60 ? minutes : undefined;
}

/** ANSI escape sequences (colours, cursor moves) start with ESC. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ESC is the point.
const ANSI_ESCAPE = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** KataCoda's `uimessage1` was written to the terminal: drop its ANSI colour codes and line ends for a banner. */
export function bannerText(raw: string): string | undefined {
  const text = raw
    .replace(ANSI_ESCAPE, "")
    .replace(/[\r\n]+/g, " ")
    .trim();
  return text === "" ? undefined : text;
}
