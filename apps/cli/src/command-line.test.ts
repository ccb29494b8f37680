import { describe, expect, it } from "vitest";
import { z } from "zod";
import { UsageError } from "./cli-errors";
import { parseCommandLine, splitCommandLine } from "./command-line";

describe("splitCommandLine", () => {
  it("takes the first positional as the command and keeps the other arguments in order", () => {
    expect(splitCommandLine(["--json", "validate", "a", "--json", "b"])).toEqual({
      commandName: "validate",
      rest: ["--json", "a", "--json", "b"],
      help: false,
    });
  });

  it("notices -h and --help anywhere before `--`", () => {
    expect(splitCommandLine(["validate", "-h"]).help).toBe(true);
    expect(splitCommandLine(["--help"])).toEqual({ rest: ["--help"], help: true });
    expect(splitCommandLine(["validate", "--", "--help"]).help).toBe(false);
  });

  it("refuses a command's own flag before the command", () => {
    expect(() => splitCommandLine(["--timeout", "5", "test"])).toThrow(UsageError);
  });
});

describe("parseCommandLine", () => {
  const schema = z.object({ json: z.boolean(), positionals: z.array(z.string()).min(1, "name a folder") });

  it("returns the flags and positionals the schema accepts", () => {
    expect(parseCommandLine(["a", "--json", "b"], { schema })).toEqual({ json: true, positionals: ["a", "b"] });
    expect(parseCommandLine(["a"], { schema })).toEqual({ json: false, positionals: ["a"] });
  });

  it("turns unknown flags and schema failures into usage errors with the reason", () => {
    expect(() => parseCommandLine(["a", "--nope"], { schema })).toThrow(/Unknown option '--nope'/);
    expect(() => parseCommandLine([], { schema })).toThrow(/positionals: name a folder/);
    try {
      parseCommandLine([], { schema });
    } catch (failure) {
      expect(failure).toBeInstanceOf(UsageError);
      expect((failure as UsageError).exitCode).toBe(2);
    }
  });
});
