import { describe, expect, it } from "vitest";
import { checkOutcome } from "./run-check";

const finished = (exitCode: number, stdout = "", stderr = "") => ({
  exitCode,
  stdout,
  stderr,
  truncated: false,
  durationMs: 5,
});

describe("checkOutcome", () => {
  it("passes on exit 0 without a hint", () => {
    const result = checkOutcome({ hint: "try harder" }, { passOnDone: false }, finished(0, "all good\n"));
    expect(result).toEqual({ passed: true, output: "all good\n", exitCode: 0, durationMs: 5, timedOut: false });
  });

  it("gives the last non-empty line of stdout as the hint, before stderr's", () => {
    const result = checkOutcome(
      { hint: "the step's hint" },
      { passOnDone: false },
      finished(1, "checking...\nThere is no ~/hello.txt yet\n\n", "cat: no such file\n"),
    );
    expect(result.passed).toBe(false);
    expect(result.hint).toBe("There is no ~/hello.txt yet");
    expect(result.output).toBe("checking...\nThere is no ~/hello.txt yet\n\ncat: no such file\n");
  });

  it("falls back to stderr's last line, then to the step's hint", () => {
    expect(checkOutcome({}, { passOnDone: false }, finished(2, "", "grep: missing\n")).hint).toBe("grep: missing");
    expect(checkOutcome({ hint: " Run `ls` first.\n" }, { passOnDone: false }, finished(1)).hint).toBe(
      "Run `ls` first.",
    );
    expect(checkOutcome({}, { passOnDone: false }, finished(1))).not.toHaveProperty("hint");
  });

  it("passes a failing script whose last line is done only with passOnDone", () => {
    expect(checkOutcome({}, { passOnDone: true }, finished(1, "working\ndone\n")).passed).toBe(true);
    expect(checkOutcome({}, { passOnDone: false }, finished(1, "working\ndone\n")).passed).toBe(false);
    expect(checkOutcome({}, { passOnDone: true }, finished(1, "done\nnot yet\n")).passed).toBe(false);
  });
});
