import { describe, expect, it } from "vitest";
import { IDLE_LIMIT_SECONDS, parseCastFile } from "./cast-file";

const cast = [
  JSON.stringify({ version: 2, width: 90, height: 20, timestamp: 1 }),
  JSON.stringify([0.5, "o", "$ "]),
  JSON.stringify([1, "i", "ls\r"]),
  JSON.stringify([1.2, "m", "Check passed (step 1)"]),
  JSON.stringify([61.2, "o", "after a minute"]),
  JSON.stringify([61.5, "r", "100x30"]),
  "",
].join("\n");

describe("parseCastFile", () => {
  it("reads the size, the events and the markers, and shortens long pauses", () => {
    const file = parseCastFile(cast);
    expect(file).toMatchObject({ cols: 90, rows: 20 });
    expect(file.events.map((event) => event.code)).toEqual(["o", "i", "m", "o", "r"]);
    expect(file.markers).toEqual([{ time: 1.2, label: "Check passed (step 1)" }]);
    expect(file.events[3]?.time).toBeCloseTo(1.2 + IDLE_LIMIT_SECONDS);
    expect(file.duration).toBeCloseTo(1.5 + IDLE_LIMIT_SECONDS);
  });

  it("refuses a file that is not asciicast v2", () => {
    expect(() => parseCastFile('{"version":1}\n')).toThrow(/asciicast v2/);
  });
});
