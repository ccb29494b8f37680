import { describe, expect, it } from "vitest";
import { parseDurationMinutes, parseMemoryMiB } from "./quantities";

describe("parseDurationMinutes", () => {
  it.each([
    [15, 15],
    ["90", 90],
    ["15m", 15],
    ["15min", 15],
    ["2h", 120],
    ["1h30m", 90],
    ["1h 30m", 90],
  ] as const)("reads %j as %i minutes", (input, minutes) => {
    expect(parseDurationMinutes(input)).toBe(minutes);
  });

  it.each([0, -5, 1.5, "", "soon", "m", "30s", "1h30"])("refuses %j", (input) => {
    expect(parseDurationMinutes(input)).toBeUndefined();
  });
});

describe("parseMemoryMiB", () => {
  it.each([
    [256, 256],
    ["512", 512],
    ["512m", 512],
    ["512Mi", 512],
    ["1g", 1024],
    ["1.5GiB", 1536],
    ["2048k", 2],
  ] as const)("reads %j as %i MiB", (input, mib) => {
    expect(parseMemoryMiB(input)).toBe(mib);
  });

  it.each([0, -1, "lots", "1t", "k", "0g"])("refuses %j", (input) => {
    expect(parseMemoryMiB(input)).toBeUndefined();
  });
});
