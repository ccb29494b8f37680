import { describe, expect, it } from "vitest";
import { phaseOf, reserveFrom } from "./workshop-phase";

const startsAt = new Date("2030-01-01T10:00:00Z");
const workshop = { startsAt, endsAt: new Date("2030-01-01T12:00:00Z"), endedAt: null, reserveMinutes: 15 };

describe("a workshop's phase", () => {
  it("goes scheduled, reserving (15 min before), running, ended", () => {
    expect(reserveFrom(workshop)).toEqual(new Date("2030-01-01T09:45:00Z"));
    expect(phaseOf(workshop, new Date("2030-01-01T09:44:59Z"))).toBe("scheduled");
    expect(phaseOf(workshop, new Date("2030-01-01T09:45:00Z"))).toBe("reserving");
    expect(phaseOf(workshop, startsAt)).toBe("running");
    expect(phaseOf(workshop, new Date("2030-01-01T12:00:00Z"))).toBe("ended");
    expect(phaseOf({ ...workshop, endedAt: startsAt }, startsAt)).toBe("ended");
  });
});
