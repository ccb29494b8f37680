// The local driver with real processes and a real node-pty shell: refusal without the flag, the
// throwaway folder, commands (output, caps, timeout kill), terminals (round trip, resize, replay, dispose).
import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import {
  CommandAbortedError,
  CommandTimedOutError,
  LocalDriverNotAcknowledgedError,
  TerminalClosedError,
} from "../errors";
import type { TerminalExit } from "../terminals/terminal-output";
import { createLocalEnvironment, type LocalEnvironment, type LocalEnvironmentOptions } from "./local-environment";
import type { LocalTerminalSession } from "./local-terminal";

const quietLogger = pino({ level: "silent" });
let environments: LocalEnvironment[] = [];

afterEach(async () => {
  await Promise.all(environments.map((environment) => environment.dispose()));
  environments = [];
});

async function newEnvironment(): Promise<LocalEnvironment> {
  const environment = await createLocalEnvironment({ acknowledgeNotIsolated: true, logger: quietLogger });
  environments.push(environment);
  return environment;
}

/** Collects a terminal's output as text; `until` resolves once the output matches. */
function record(session: LocalTerminalSession, options: { since?: number } = {}) {
  let text = "";
  let lastOffset = 0;
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  const exit: Promise<TerminalExit> = new Promise((resolveExit) => {
    session.attach(
      {
        onData(chunk, endOffset) {
          text += Buffer.from(chunk).toString("utf8");
          lastOffset = endOffset;
          for (const waiter of [...waiting]) {
            if (waiter.pattern.test(text)) {
              waiting.splice(waiting.indexOf(waiter), 1);
              waiter.resolve();
            }
          }
        },
        onExit: resolveExit,
      },
      options,
    );
  });
  return {
    text: () => text,
    offset: () => lastOffset,
    exit,
    until(pattern: RegExp): Promise<void> {
      if (pattern.test(text)) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ pattern, resolve }));
    },
  };
}

describe("createLocalEnvironment", () => {
  it("refuses to start without acknowledgeNotIsolated, saying it is not isolated", async () => {
    const unacknowledged = { logger: quietLogger } as unknown as LocalEnvironmentOptions;
    await expect(createLocalEnvironment(unacknowledged)).rejects.toThrow(LocalDriverNotAcknowledgedError);
    await expect(
      createLocalEnvironment({ acknowledgeNotIsolated: "yes" } as unknown as LocalEnvironmentOptions),
    ).rejects.toThrow(/NO isolation/);
  });

  it("logs a loud warning that commands run unisolated", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    environments.push(await createLocalEnvironment({ acknowledgeNotIsolated: true, logger }));
    const warning = lines.map((line) => JSON.parse(line)).find((entry) => entry.level === 40);
    expect(warning?.msg).toContain("NOT ISOLATED");
  });

  it("works in a throwaway folder that dispose removes, with everything in it", async () => {
    const environment = await newEnvironment();
    expect(existsSync(environment.directory)).toBe(true);
    const result = await environment.runCommand({ script: 'pwd; echo "$HOME"; mkdir -p a/b && echo x > a/b/f' });
    expect(result.stdout).toBe(`${environment.directory}\n${environment.directory}\n`);
    await writeFile(join(environment.directory, "note"), "kept until dispose");
    await environment.dispose();
    expect(existsSync(environment.directory)).toBe(false);
    await expect(environment.runCommand({ argv: ["true"] })).rejects.toThrow(/disposed/);
  });
});

describe("runCommand", () => {
  it("returns exit code, separated stdout and stderr, like the Docker runCommand", async () => {
    const environment = await newEnvironment();
    const result = await environment.runCommand({ script: "echo out; echo err >&2; exit 3" });
    expect(result).toMatchObject({ exitCode: 3, stdout: "out\n", stderr: "err\n", truncated: false });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("runs argv without a shell, with env, stdin and a workdir inside the folder", async () => {
    const environment = await newEnvironment();
    await environment.runCommand({ argv: ["mkdir", "sub"] });
    const result = await environment.runCommand({
      argv: ["bash", "-c", 'echo "$GREETING $(cat) $(basename "$PWD")"', "ignored"],
      env: { GREETING: "hello" },
      stdin: "from-stdin",
      workdir: "sub",
    });
    expect(result.stdout).toBe("hello from-stdin sub\n");
  });

  it("keeps at most maxOutputBytes of each stream and says it truncated", async () => {
    const environment = await newEnvironment();
    const result = await environment.runCommand({ script: "head -c 5000 /dev/zero | tr '\\0' a", maxOutputBytes: 100 });
    expect(result.stdout).toBe("a".repeat(100));
    expect(result.truncated).toBe(true);
  });

  it("reports a program that cannot start as exit 127, like `timeout` does in a container", async () => {
    const environment = await newEnvironment();
    const result = await environment.runCommand({ argv: ["circus-no-such-program"] });
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain("circus-no-such-program");
  });

  it("kills the command and what it started on timeout", async () => {
    const environment = await newEnvironment();
    const pidFile = join(environment.directory, "child.pid");
    await expect(
      environment.runCommand({ script: `sleep 30 & echo $! > ${pidFile}; wait`, timeoutMs: 300 }),
    ).rejects.toThrow(CommandTimedOutError);
    const childPid = Number(await readFile(pidFile, "utf8"));
    await expect.poll(() => isAlive(childPid)).toBe(false);
  });

  it("kills the command when its signal aborts", async () => {
    const environment = await newEnvironment();
    const controller = new AbortController();
    const running = environment.runCommand({ argv: ["sleep", "30"], signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(running).rejects.toThrow(CommandAbortedError);
  });
});

describe("openTerminal", () => {
  it("round-trips input and output through a real PTY", async () => {
    const environment = await newEnvironment();
    const session = await environment.openTerminal({ cols: 80, rows: 24, command: ["bash", "--norc", "-i"] });
    const output = record(session);
    session.write("echo $((6 * 7))-$TERM\r");
    await output.until(/42-xterm-256color/);
    expect(session.stats()).toMatchObject({ state: "running", cols: 80, rows: 24 });
  });

  it("resizes the PTY", async () => {
    const environment = await newEnvironment();
    const session = await environment.openTerminal({ cols: 80, rows: 24, command: ["bash", "--norc", "-i"] });
    const output = record(session);
    await session.resize(132, 43);
    session.write("stty size\r");
    await output.until(/43 132/);
    expect(session.size).toEqual({ cols: 132, rows: 43 });
  });

  it("replays the scrollback to a client attaching later, from any offset", async () => {
    const environment = await newEnvironment();
    const session = await environment.openTerminal({ cols: 80, rows: 24, command: ["bash", "--norc", "-i"] });
    const first = record(session);
    session.write("echo one-$((1))\r");
    await first.until(/one-1/);
    const offset = first.offset();
    session.write("echo two-$((2))\r");
    await first.until(/two-2/);

    const late = record(session);
    expect(late.text()).toContain("one-1");
    const resumed = record(session, { since: offset });
    expect(resumed.text()).not.toContain("one-1");
    await resumed.until(/two-2/);
  });

  it("ends the shell and its jobs on dispose and tells clients", async () => {
    const environment = await newEnvironment();
    const session = await environment.openTerminal({ cols: 80, rows: 24, command: ["bash", "--norc", "-i"] });
    const output = record(session);
    session.write("sleep 30 & echo job=$!\r");
    await output.until(/job=\d+/);
    const jobPid = Number(/job=(\d+)/.exec(output.text())![1]);
    await session.dispose();
    expect((await output.exit).reason).toBe("disposed");
    expect(() => session.write("x")).toThrow(TerminalClosedError);
    await expect.poll(() => isAlive(jobPid)).toBe(false);
  });

  it("reports the shell's own exit with its code", async () => {
    const environment = await newEnvironment();
    const session = await environment.openTerminal({ cols: 80, rows: 24, command: ["bash", "--norc", "-i"] });
    const output = record(session);
    session.write("exit 7\r");
    expect(await output.exit).toMatchObject({ reason: "exited", exitCode: 7 });
    expect(await session.exited).toMatchObject({ reason: "exited", exitCode: 7 });
  });

  it("ends terminals when the environment is disposed", async () => {
    const environment = await newEnvironment();
    const session = await environment.openTerminal({ cols: 80, rows: 24 });
    await environment.dispose();
    expect((await session.exited).reason).toBe("disposed");
  });
});

/** True while `pid` runs; a zombie (dead, waiting for its new parent to reap it) counts as ended. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
