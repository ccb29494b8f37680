import { describe, expect, it } from "vitest";
import { formatJoinCode, JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, newJoinCode, normalizeJoinCode } from "./join-code";

describe("join codes", () => {
  it("carry at least 50 bits from an alphabet without look-alikes", () => {
    expect(JOIN_CODE_LENGTH * Math.log2(JOIN_CODE_ALPHABET.length)).toBeGreaterThanOrEqual(50);
    expect(JOIN_CODE_ALPHABET).not.toMatch(/[01OIL]/);
    const codes = new Set(Array.from({ length: 200 }, () => newJoinCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`));
  });

  it("accept what a learner types: any case, spaces and dashes", () => {
    const code = newJoinCode();
    expect(normalizeJoinCode(` ${formatJoinCode(code).toLowerCase()} `)).toBe(code);
    expect(formatJoinCode("ABCDEFGHJKMN")).toBe("ABCD-EFGH-JKMN");
  });
});
