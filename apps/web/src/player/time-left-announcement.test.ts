import { describe, expect, it } from "vitest";
import { timeLeftAnnouncement } from "./time-left-announcement";

describe("timeLeftAnnouncement", () => {
  it("speaks when 10, 5 and 1 minutes are crossed, and at the end, not in between", () => {
    expect(timeLeftAnnouncement(600_500, 599_500)).toBe("10 minutes left in this session. Use Extend for more time.");
    expect(timeLeftAnnouncement(300_001, 300_000)).toMatch(/^5 minutes left/);
    expect(timeLeftAnnouncement(60_400, 59_400)).toMatch(/^1 minute left/);
    expect(timeLeftAnnouncement(400, 0)).toBe("Time is up: this session has ended.");
    expect(timeLeftAnnouncement(599_000, 598_000)).toBeUndefined();
    expect(timeLeftAnnouncement(0, 0)).toBeUndefined();
    // Extending moves time left up: nothing to say.
    expect(timeLeftAnnouncement(200_000, 1_800_000)).toBeUndefined();
  });
});
