// The `circus` executable's own behaviour, run as a child process: help, unknown commands and
// flags (exit 2), and stack traces only with CIRCUS_DEBUG=1.
import { describe, expect, it } from "vitest";
import { runCircus } from "./test/run-circus";

const STACK_FRAME = /\n\s+at /;

describe.concurrent("circus", { timeout: 60_000 }, () => {
  it("lists its commands with --help and exits 0", async () => {
    const run = await runCircus(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Commands:\n {2}validate +\S/m);
    expect(run.stderr).toBe("");
  });

  it("shows a command's usage with `<command> --help`", async () => {
    const run = await runCircus(["validate", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: circus validate <dir>...");
  });

  it("rejects an unknown command with a suggestion and exit 2, without a stack trace", async () => {
    const run = await runCircus(["validat", "scenarios"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "validat"');
    expect(run.stderr).toContain("did you mean `circus validate`?");
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it("rejects a missing command and an unknown flag before the command with exit 2", async () => {
    const [none, flag] = await Promise.all([runCircus([]), runCircus(["--verbose", "validate", "."])]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no command given");
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown option "--verbose" before the command');
  });

  it("shows the stack trace only when CIRCUS_DEBUG=1", async () => {
    const run = await runCircus(["validat"], { env: { CIRCUS_DEBUG: "1" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(STACK_FRAME);
  });

  it("names CIRCUS_DEBUG when its value is invalid", async () => {
    const run = await runCircus(["--help"], { env: { CIRCUS_DEBUG: "loud" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("CIRCUS_DEBUG must be 1");
  });
});
