import { describe, expect, it } from "vitest";
import { capOutput, maxCheckOutputBytes } from "./progress";

describe("capOutput", () => {
  it("keeps short output as it is", () => {
    expect(capOutput("ok\n")).toBe("ok\n");
  });

  it("keeps the end of long output within 4 KiB and marks the cut", () => {
    const output = `${"x".repeat(10_000)}\nverdict: done`;
    const capped = capOutput(output);
    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(maxCheckOutputBytes);
    expect(capped.startsWith("[… earlier output dropped]\n")).toBe(true);
    expect(capped.endsWith("verdict: done")).toBe(true);
  });

  it("never splits a multi-byte character", () => {
    const capped = capOutput("é".repeat(5_000));
    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(maxCheckOutputBytes);
    expect(capped).not.toContain("\uFFFD");
  });
});
