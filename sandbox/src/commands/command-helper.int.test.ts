// The per-host command helper against the real engine: many commands on a host cost one exec (counted in the
// engine's own events stream), results and limits hold through it, and a learner killing it breaks nothing.

import { readFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_IMAGE, createTestScope, type TestScope } from "../../test/environment-fixture";
import { ensureHostTool } from "../engine/host-packages";
import type { SandboxRuntime } from "../environments/sandbox-runtime";
import { CommandAbortedError, CommandInterruptedError, CommandTimedOutError } from "../errors";
import { copyFiles } from "../files/copy-files";
import { COMMAND_HELPER_NAME } from "./command-helper-script";
import { EnvironmentCommandHelpers } from "./environment-command-helpers";
import { type CommandResult, type RunCommandOptions, runCommand } from "./run-command";

const KILL_PATTERN = `^sh -c # ${COMMAND_HELPER_NAME}`;
let scope: TestScope;
let runtime: SandboxRuntime;

beforeAll(async () => {
  scope = createTestScope();
  runtime = await scope.runtime();
});
afterAll(async () => {
  await scope.cleanup();
});

/** A fresh one-host environment: its container id and an environment handle. */
async function freshHost() {
  const environment = await runtime.create(scope.spec(["node1"]));
  return { containerId: runtime.containerOf(environment.id, "node1"), handle: runtime.environment(environment.id) };
}

/** Counts the engine's `exec_create` events for `containerId` from now until `stop()`. */
async function countExecCreates(containerId: string): Promise<{ stop(): Promise<number> }> {
  const events = (await scope.docker.getEvents({
    filters: { container: [containerId], event: ["exec_create"] },
  })) as Readable;
  let count = 0;
  let buffered = "";
  events.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    count += lines.filter((line) => line.includes('"exec_create')).length;
  });
  return {
    async stop() {
      // Events are delivered asynchronously: a marker exec (by the plain path, as another user) closes the window.
      await runCommand(scope.docker, containerId, { argv: ["true"], user: "nobody" });
      await expect.poll(() => count, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      events.destroy();
      return count - 1;
    },
  };
}

/** The helper processes in `containerId` as the engine lists them (`docker top`), without an exec of ours. */
async function helperProcessesByTop(containerId: string): Promise<string[]> {
  const top = await scope.docker.getContainer(containerId).top({ ps_args: "-eo pid,args" });
  return (top.Processes as string[][])
    .map((row) => row.join(" "))
    .filter((line) => line.includes(`# ${COMMAND_HELPER_NAME}`));
}

/** How many of these execs still run, per the engine's exec inspect (a removed container's are gone). */
async function execsRunning(execIds: string[]): Promise<number> {
  let running = 0;
  for (const id of execIds) {
    const exec = await scope.docker
      .getExec(id)
      .inspect()
      .catch(() => undefined);
    if (exec?.Running) running += 1;
  }
  return running;
}

/** The ids of the helper execs of `containerId`. */
async function helperExecIds(containerId: string): Promise<string[]> {
  const inspected = await scope.docker.getContainer(containerId).inspect();
  const execs = await Promise.all((inspected.ExecIDs ?? []).map((id) => scope.docker.getExec(id).inspect()));
  return execs
    .filter((exec) => exec.ProcessConfig.arguments.some((argument) => argument.includes(COMMAND_HELPER_NAME)))
    .map((exec) => exec.ID);
}

async function helperProcesses(containerId: string): Promise<string[]> {
  const ps = await runCommand(scope.docker, containerId, { argv: ["ps", "-e", "-o", "pid=,args="], user: "nobody" });
  return ps.stdout.split("\n").filter((line) => line.includes(`# ${COMMAND_HELPER_NAME}`));
}

/**
 * A command leaves processes running that write to its stdout and stderr after it ended (a subshell, nohup,
 * and one that holds the pipes for ten minutes): it returns without waiting for them, their later writes get
 * EPIPE, and none of it shows in the next commands' output.
 */
async function expectDetachedOutputDropped(run: (options: RunCommandOptions) => Promise<CommandResult>) {
  const detaching = await run({
    argv: [
      "sh",
      "-c",
      `(sleep 1; echo late; echo late-err >&2) &
       if command -v nohup >/dev/null; then nohup sh -c 'sleep 1; echo nohup-late' & fi
       (sleep 1; trap '' PIPE; echo late-again; echo "status $?" >/tmp/late-status) &
       (exec sleep 600) &
       echo started`,
    ],
  });
  expect(detaching).toMatchObject({ exitCode: 0, stdout: "started\n", stderr: "" });
  const next = await run({ argv: ["sh", "-c", "sleep 2; echo second; echo second-err >&2"] });
  expect(next).toMatchObject({ exitCode: 0, stdout: "second\n", stderr: "second-err\n" });
  const status = await run({ argv: ["cat", "/tmp/late-status"] });
  expect(status.stdout).toBe("status 1\n");
}

describe("the command helper", () => {
  it("runs twenty commands on a host with one exec, with exit codes, stderr, stdin, env, workdir and caps", async () => {
    const { containerId, handle } = await freshHost();
    const counter = await countExecCreates(containerId);
    for (let index = 0; index < 12; index += 1) {
      const result = await handle.commands.run("node1", { script: `echo out ${index}; echo err >&2; exit ${index}` });
      expect(result).toMatchObject({ exitCode: index, stdout: `out ${index}\n`, stderr: "err\n", truncated: false });
    }
    const stdin = Buffer.concat([Buffer.from("line one\nline 'two'\n"), Buffer.alloc(200_000, 0x62)]);
    const piped = await handle.commands.run("node1", {
      argv: ["sh", "-c", 'wc -c; echo "$GREETING $(pwd)"'],
      stdin,
      env: { GREETING: "hi\nthere" },
      workdir: "/tmp",
    });
    expect(piped.stdout).toBe(`${stdin.length}\nhi\nthere /tmp\n`);
    const unread = await handle.commands.run("node1", { argv: ["true"], stdin: "not read by true" });
    expect(unread.exitCode).toBe(0);
    const literal = await handle.commands.run("node1", { argv: ["echo", "$HOME; it's\nfine"] });
    expect(literal.stdout).toBe("$HOME; it's\nfine\n");
    const capped = await handle.commands.run("node1", {
      script: "head -c 300000 /dev/zero | tr '\\0' a; echo; head -c 5000 /dev/zero | tr '\\0' e >&2",
      maxOutputBytes: 1000,
    });
    expect(capped).toMatchObject({ exitCode: 0, stdout: "a".repeat(1000), stderr: "e".repeat(1000), truncated: true });
    const noNewline = await handle.commands.run("node1", { script: "printf partial; printf oops >&2" });
    expect(noNewline).toMatchObject({ stdout: "partial", stderr: "oops" });
    expect((await handle.commands.run("node1", { argv: ["no-such-program"] })).exitCode).toBe(127);
    const owner = await handle.commands.run("node1", { script: "id -un" });
    expect(owner.stdout).toBe("root\n");
    expect(await counter.stop()).toBe(1);
    expect(await helperProcesses(containerId)).toHaveLength(1);
  });

  it("kills a timed-out command and what it started, and takes the next command on the same exec", async () => {
    const { containerId, handle } = await freshHost();
    await handle.commands.run("node1", { argv: ["true"] });
    const counter = await countExecCreates(containerId);
    await expect(
      handle.commands.run("node1", { script: "setsid sleep 4545 & sleep 4646", timeoutMs: 1000 }),
    ).rejects.toThrow(CommandTimedOutError);
    const ps = await handle.commands.run("node1", { argv: ["ps", "-e", "-o", "args="] });
    expect(ps.stdout).not.toMatch(/sleep 4[56]4[56]/);
    expect((await handle.commands.run("node1", { script: "echo again" })).stdout).toBe("again\n");
    // The kill of marked processes is its own exec (and the count's closing marker is excluded).
    expect(await counter.stop()).toBeLessThanOrEqual(2);
    expect(await helperProcesses(containerId)).toHaveLength(1);
  });

  it("aborts a command whose signal fires while the helper is being opened, and runs nothing of it", async () => {
    for (const opened of [false, true]) {
      const { handle } = await freshHost();
      if (opened) await handle.commands.run("node1", { argv: ["true"] });
      const controller = new AbortController();
      // The abort lands during runCommand's first await (opening or reserving the helper): a listener added
      // after it would never hear it, and the command would run until its timeout.
      const running = handle.commands.run("node1", {
        script: "sleep 4747",
        timeoutMs: 20_000,
        signal: controller.signal,
      });
      controller.abort();
      await expect(running).rejects.toThrow(CommandAbortedError);
      const ps = await handle.commands.run("node1", { argv: ["ps", "-e", "-o", "args="] });
      expect(ps.stdout).not.toMatch(/sleep 4747/);
    }
  });

  it("survives a learner killing it: the command in flight fails clearly, the next one re-opens the helper", async () => {
    const { containerId, handle } = await freshHost();
    await handle.commands.run("node1", { argv: ["true"] });
    // A learner's `pkill` (from a terminal: another exec) kills the idle helper.
    await runCommand(scope.docker, containerId, { argv: ["pkill", "-KILL", "-f", KILL_PATTERN], user: "root" });
    const after = await handle.commands.run("node1", { script: "echo still here" });
    expect(after.stdout).toBe("still here\n");
    // Killed while a command runs: that command reports it, and the next works.
    await expect(handle.commands.run("node1", { script: `pkill -KILL -f '${KILL_PATTERN}'; sleep 1` })).rejects.toThrow(
      CommandInterruptedError,
    );
    expect((await handle.commands.run("node1", { argv: ["echo", "next"] })).stdout).toBe("next\n");
    expect(await helperProcesses(containerId)).toHaveLength(1);
  });

  it("keeps what a detached process writes later out of later commands, and does not wait for it", async () => {
    const { containerId, handle } = await freshHost();
    await expectDetachedOutputDropped((options) => handle.commands.run("node1", options));
    expect(await helperProcesses(containerId)).toHaveLength(1);
  });

  it("lets a second command that arrives while one runs go by its own exec", async () => {
    const { handle } = await freshHost();
    const [slow, quick] = await Promise.all([
      handle.commands.run("node1", { script: "sleep 0.5; echo slow" }),
      handle.commands.run("node1", { script: "echo quick" }),
    ]);
    expect(slow.stdout).toBe("slow\n");
    expect(quick.stdout).toBe("quick\n");
  });

  it("is owned by its environment: closed on host restart, destroy and the runtime's dispose", async () => {
    const { containerId, handle } = await freshHost();
    await handle.commands.run("node1", { argv: ["true"] });
    expect(await helperProcessesByTop(containerId)).toHaveLength(1);
    const firstExecs = await helperExecIds(containerId);
    expect(await execsRunning(firstExecs)).toBe(1);
    await handle.restartHost("node1");
    expect(await execsRunning(firstExecs)).toBe(0);
    expect((await handle.commands.run("node1", { script: "echo fresh" })).stdout).toBe("fresh\n");
    const secondExecs = await helperExecIds(runtime.containerOf(handle.id, "node1"));
    expect(await execsRunning(secondExecs)).toBe(1);
    await handle.destroy();
    expect(await execsRunning(secondExecs)).toBe(0);

    // A runtime disposed of (a server shutting down) leaves its containers to the next one, but not its
    // helpers: their execs end while the container runs on.
    const other = await scope.runtime();
    const kept = await other.create(scope.spec(["node1"]));
    const keptContainer = other.containerOf(kept.id, "node1");
    await other.environment(kept.id).commands.run("node1", { argv: ["true"] });
    expect(await helperProcessesByTop(keptContainer)).toHaveLength(1);
    await other.dispose();
    await expect.poll(() => helperProcessesByTop(keptContainer), { timeout: 5_000 }).toHaveLength(0);
    expect((await scope.docker.getContainer(keptContainer).inspect()).State.Running).toBe(true);
  });

  it("works on a busybox userland (ash, and busybox's head, dd, sed, timeout and env)", async () => {
    const busybox = await readFile(await ensureHostTool("busybox", "busybox-static"));
    const container = await scope.docker.createContainer({
      Image: BASE_IMAGE,
      Cmd: ["/opt/bb/busybox", "sleep", "infinity"],
      Env: ["PATH=/opt/bb"],
      Labels: scope.labels,
      HostConfig: { NetworkMode: "none" },
    });
    await copyFiles(scope.docker, container.id, [{ path: "/opt/bb/busybox", content: busybox, mode: 0o755 }]);
    await container.start();
    const install = await container.exec({ Cmd: ["/opt/bb/busybox", "--install", "-s", "/opt/bb"] });
    await install.start({});
    await expect.poll(async () => (await install.inspect()).ExitCode).toBe(0);
    const counter = await countExecCreates(container.id);
    const helpers = new EnvironmentCommandHelpers();
    const source = helpers.source("busybox", scope.docker, container.id);
    const shell = await runCommand(
      scope.docker,
      container.id,
      { argv: ["sh", "-c", "readlink /proc/$PPID/exe"] },
      source,
    );
    expect(shell.stdout).toBe("/opt/bb/busybox\n");
    const stdin = Buffer.alloc(20_000, 0x78);
    for (let index = 0; index < 3; index += 1) {
      const piped = await runCommand(
        scope.docker,
        container.id,
        {
          argv: ["sh", "-c", 'wc -c; echo "$GREETING" >&2; exit 4'],
          stdin,
          env: { GREETING: "hello" },
        },
        source,
      );
      expect(piped).toMatchObject({ exitCode: 4, stdout: expect.stringMatching(/^\s*20000\n$/), stderr: "hello\n" });
    }
    await expectDetachedOutputDropped((options) => runCommand(scope.docker, container.id, options, source));
    expect(await counter.stop()).toBe(1);
    helpers.end();
  });
});
