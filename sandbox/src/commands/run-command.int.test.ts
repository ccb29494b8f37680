// runCommand against a real sandbox container: exit codes, separated output, stdin, options,
// the output cap, and a real kill on timeout and on abort.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestScope, type TestScope } from "../../test/environment-fixture";
import { CommandAbortedError, CommandTimedOutError } from "../errors";
import { runCommand } from "./run-command";

let scope: TestScope;
let containerId: string;

beforeAll(async () => {
  scope = createTestScope();
  const runtime = await scope.runtime();
  const environment = await runtime.create(scope.spec(["node1"]));
  containerId = runtime.containerOf(environment.id, "node1");
});
afterAll(async () => {
  await scope.cleanup();
});

/** The processes in the container whose command line is exactly `args`. */
async function processesMatching(args: string): Promise<string[]> {
  const ps = await runCommand(scope.docker, containerId, { argv: ["ps", "-e", "-o", "args="] });
  return ps.stdout.split("\n").filter((line) => line.trim() === args);
}

describe("runCommand", () => {
  it("returns the exit code and separated stdout and stderr", async () => {
    const result = await runCommand(scope.docker, containerId, { script: "echo out; echo err >&2; exit 3" });
    expect(result).toMatchObject({ exitCode: 3, stdout: "out\n", stderr: "err\n", truncated: false });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("runs argv without a shell (arguments stay literal)", async () => {
    const result = await runCommand(scope.docker, containerId, { argv: ["echo", "$HOME; rm -rf /"] });
    expect(result.stdout).toBe("$HOME; rm -rf /\n");
  });

  it("reports a missing program as exit 127", async () => {
    const result = await runCommand(scope.docker, containerId, { argv: ["no-such-program"] });
    expect(result.exitCode).toBe(127);
  });

  it("passes env, user, workdir and stdin", async () => {
    const result = await runCommand(scope.docker, containerId, {
      script: 'echo "$GREETING $(id -un) $(pwd)"; cat',
      env: { GREETING: "hello" },
      user: "nobody",
      workdir: "/tmp",
      stdin: "from stdin",
    });
    expect(result.stdout).toBe("hello nobody /tmp\nfrom stdin");
  });

  it("keeps at most maxOutputBytes and says it truncated", async () => {
    const result = await runCommand(scope.docker, containerId, {
      script: "head -c 300000 /dev/zero | tr '\\0' a; echo; echo tail",
      maxOutputBytes: 1000,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("a".repeat(1000));
    expect(result.truncated).toBe(true);
  });

  it("kills the command and everything it started when it times out", async () => {
    const started = runCommand(scope.docker, containerId, {
      script: "setsid sleep 4242 & sleep 4343",
      timeoutMs: 1000,
    });
    await expect(started).rejects.toThrow(CommandTimedOutError);
    expect(await processesMatching("sleep 4242")).toEqual([]);
    expect(await processesMatching("sleep 4343")).toEqual([]);
  });

  it("kills the command when its signal aborts", async () => {
    const controller = new AbortController();
    const started = runCommand(scope.docker, containerId, {
      argv: ["sleep", "4444"],
      user: "nobody",
      signal: controller.signal,
    });
    await expect.poll(() => processesMatching("sleep 4444")).toHaveLength(1);
    controller.abort();
    await expect(started).rejects.toThrow(CommandAbortedError);
    expect(await processesMatching("sleep 4444")).toEqual([]);
  });

  it("refuses to start with a signal that already aborted", async () => {
    await expect(
      runCommand(scope.docker, containerId, { argv: ["true"], signal: AbortSignal.abort() }),
    ).rejects.toThrow(CommandAbortedError);
  });
});
