import { describe, expect, it } from "vitest";
import { localDateTimeInput, moveItem, toIsoFromLocal } from "./workshop-form-values";

describe("workshop form values", () => {
  it("round-trips a local date and time through the datetime-local format", () => {
    const date = new Date(2030, 4, 6, 7, 8);
    expect(localDateTimeInput(date)).toBe("2030-05-06T07:08");
    expect(toIsoFromLocal(localDateTimeInput(date))).toBe(date.toISOString());
  });

  it("refuses an empty or invalid date", () => {
    expect(() => toIsoFromLocal("")).toThrow(/not a date/);
    expect(() => toIsoFromLocal("tomorrow")).toThrow(/not a date/);
  });

  it("moves a scenario up and down, staying inside the list", () => {
    expect(moveItem(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(moveItem(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(moveItem(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
  });
});
