import { describe, expect, it } from "vitest";
import { bannerText, parseDifficulty, parseDurationMinutes } from "./katacoda-metadata";

describe("parseDifficulty", () => {
  it.each([
    ["Beginner", "beginner"],
    ["easy", "beginner"],
    [" INTERMEDIATE ", "intermediate"],
    ["medium", "intermediate"],
    ["hard", "advanced"],
    ["Expert", "advanced"],
    ["advanced", "advanced"],
  ])("reads %j as %s", (raw, expected) => {
    expect(parseDifficulty(raw)).toBe(expected);
  });

  it("does not guess an unknown word", () => {
    expect(parseDifficulty("spicy")).toBeUndefined();
  });
});

describe("parseDurationMinutes", () => {
  it.each([
    ["10 minutes", 10],
    ["15-20 minutes", 20],
    ["15 – 20 mins", 20],
    ["1 hour", 60],
    ["1.5 hours", 90],
    ["2 Hours", 120],
    ["1 hour 30 minutes", 90],
    ["1h30m", 90],
    ["45", 45],
    ["~5 min", 5],
    [25, 25],
  ] as const)("reads %j as %d minutes", (raw, expected) => {
    expect(parseDurationMinutes(raw)).toBe(expected);
  });

  it.each(["soon", "", "10 parsecs", "0 minutes", "99 hours", "ten minutes"])("cannot read %j", (raw) => {
    expect(parseDurationMinutes(raw)).toBeUndefined();
  });
});

describe("bannerText", () => {
  it("drops ANSI colour codes and line ends from uimessage1", () => {
    expect(bannerText("\u001b[32mYour Interactive Bash Terminal.\u001b[m\r\n")).toBe("Your Interactive Bash Terminal.");
    expect(bannerText("\u001b[0m\r\n")).toBeUndefined();
  });
});
