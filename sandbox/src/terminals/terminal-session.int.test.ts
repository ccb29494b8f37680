// Terminals against the real engine, on both transports (terminal pipes, the engine's PTY exec): each test
// gets its own network-less container (label circus.test=<id>) and removes it afterwards.
import { randomUUID } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ContainerNotRunningError, TerminalReadOnlyError } from "../errors";
import { openTerminal, type TerminalOptions } from "./open-terminal";
import type { TerminalExit } from "./terminal-output";
import { type HostTerminalPipes, TerminalPipes } from "./terminal-pipes";
import type { TerminalClient, TerminalSession } from "./terminal-session";
import type { TerminalTransport } from "./terminal-transport";

const docker = new Dockerode();
const testId = `terminals-${randomUUID()}`;
const HOSTNAME = "s3-term";
const PROMPT = `root@${HOSTNAME}:`;
const CHUNK_BYTES = 65_536;
const HIGH_WATERMARK = 100_000;

let container: Dockerode.Container;
let sessions: TerminalSession[] = [];
let terminalPipes: TerminalPipes;
/** The pipes of the current test's host, when it runs on pipes. */
let hostPipes: HostTerminalPipes | undefined;
let hostNumber = 0;
const pipesRoot = join(tmpdir(), `circus-${testId}`);

beforeAll(async () => {
  const opened = await TerminalPipes.open({ root: pipesRoot, docker, logger: pino({ level: "silent" }) });
  if (!opened) throw new Error("terminal pipes should work on this machine's engine");
  terminalPipes = opened;
});

afterAll(async () => {
  await rm(pipesRoot, { recursive: true, force: true });
});

/** A container like a sandbox host's (its pipes bound when `transport` is pipes). */
async function startContainer(transport: TerminalTransport["kind"]): Promise<Dockerode.Container> {
  hostNumber += 1;
  const binds = transport === "pipes" ? [await terminalPipes.prepareHost("env", `host${hostNumber}`)] : [];
  hostPipes = transport === "pipes" ? terminalPipes.host("env", `host${hostNumber}`) : undefined;
  const created = await docker.createContainer({
    Image: "circus/base:latest",
    Cmd: ["sleep", "infinity"],
    Hostname: HOSTNAME,
    Labels: { "circus.test": testId },
    HostConfig: { NetworkMode: "none", CapDrop: ["ALL"], Init: true, Binds: binds },
  });
  await created.start();
  return created;
}

afterEach(async () => {
  await Promise.all(sessions.map((session) => session.dispose()));
  sessions = [];
  await container.remove({ force: true });
});

async function open(options: Partial<TerminalOptions> = {}): Promise<TerminalSession> {
  const session = await openTerminal(docker, container.id, { cols: 80, rows: 24, pipes: hostPipes, ...options });
  sessions.push(session);
  return session;
}

/** What a command run in the container printed (a TTY exec, so the output is not multiplexed). */
async function runInContainer(command: string, target = container): Promise<string> {
  const exec = await target.exec({ Cmd: ["sh", "-c", command], AttachStdout: true, AttachStderr: true, Tty: true });
  const stream = await exec.start({ Tty: true });
  let output = "";
  for await (const chunk of stream) output += chunk.toString();
  return output;
}

interface Recorded {
  client: TerminalClient;
  chunks: { data: Buffer; endOffset: number }[];
  exits: TerminalExit[];
  bytes(): Buffer;
  text(): string;
  firstOffset(): number;
  lastOffset(): number;
}

/** Attaches a client that records output and, unless told otherwise, acknowledges it at once. */
function record(session: TerminalSession, options: { readOnly?: boolean; since?: number; ack?: boolean } = {}) {
  const chunks: Recorded["chunks"] = [];
  const exits: TerminalExit[] = [];
  const ack = options.ack ?? true;
  let client: TerminalClient | undefined;
  client = session.attach(
    {
      onData: (chunk, endOffset) => {
        chunks.push({ data: Buffer.from(chunk), endOffset });
        if (ack) client?.ack(chunk.length);
      },
      onExit: (info) => exits.push(info),
    },
    options,
  );
  if (ack) client.ack(chunks.reduce((sum, chunk) => sum + chunk.data.length, 0));
  const bytes = () => Buffer.concat(chunks.map((chunk) => chunk.data));
  const recorded: Recorded = {
    client,
    chunks,
    exits,
    bytes,
    text: () => bytes().toString("utf8"),
    firstOffset: () => (chunks[0] ? chunks[0].endOffset - chunks[0].data.length : Number.NaN),
    lastOffset: () => chunks.at(-1)?.endOffset ?? Number.NaN,
  };
  return recorded;
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The command lines of the container's processes (a TTY exec, so the output is not multiplexed). */
async function processList(): Promise<string> {
  const exec = await container.exec({ Cmd: ["ps", "-eo", "args"], AttachStdout: true, Tty: true });
  const stream = await exec.start({ Tty: true });
  let output = "";
  for await (const chunk of stream) output += chunk.toString();
  return output;
}

/**
 * Asks the shell for its size until it says `size` (on pipes a resize reaches the PTY a moment after
 * `resize` returns, as with any terminal emulator's window change).
 */
async function waitForSize(recorded: Recorded, size: string, what: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const from = recorded.bytes().length;
    recorded.client.write("stty size\r");
    try {
      await waitFor(() => recorded.bytes().subarray(from).toString().includes(`\r${size}\r\n`), what, 1_000);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

const seqOutput = (count: number) => `${Array.from({ length: count }, (_, index) => index + 1).join("\r\n")}\r\n`;

for (const transport of ["pipes", "engine"] as const) {
  describe(`a terminal session on ${transport}`, () => {
    beforeEach(async () => {
      container = await startContainer(transport);
    });

    it(`carries its bytes on ${transport}`, async () => {
      expect((await open()).stats().transport).toBe(transport);
    });

    it("runs commands typed into it and shows their output", async () => {
      const session = await open();
      const recorded = record(session);
      session.write("echo hi-$((6*7))\r");
      await waitFor(() => recorded.text().includes("hi-42"), "hi-42");
    });

    it("starts at the requested size and follows resizes", async () => {
      const session = await open({ cols: 91, rows: 27 });
      const recorded = record(session);
      recorded.client.write("stty size\r");
      await waitFor(() => recorded.text().includes("27 91"), "the initial size");
      await recorded.client.resize(100, 40);
      await waitForSize(recorded, "40 100", "the new size");
      await expect(session.resize(0, 40)).rejects.toMatchObject({ code: "invalid_terminal_options" });
    });

    it("gives a reconnecting client exactly the bytes it missed, then live output", async () => {
      const session = await open({ scrollbackBytes: 1024 * 1024 });
      const reference = record(session);
      // The first client does not acknowledge, so the shell pauses with output still to come.
      const first = record(session, { ack: false });
      session.write("seq 1 50000\r");
      await waitFor(() => session.stats().paused, "the first client to fall behind");
      const lastSeen = first.lastOffset();
      first.client.dispose();
      await pause(50); // output resumes and flows while only the reference client is attached
      const second = record(session, { since: lastSeen });
      await waitFor(() => second.text().includes("\r\n50000\r\n"), "the end of the seq output");
      session.write("echo live-$((7*7))\r");
      await waitFor(() => second.text().includes("live-49"), "live output after the replay");

      expect(second.firstOffset()).toBe(lastSeen);
      const joined = Buffer.concat([first.bytes(), second.bytes()]);
      const expected = reference.bytes().subarray(first.firstOffset() - reference.firstOffset());
      expect(joined.equals(expected)).toBe(true);
      expect(joined.toString().split(seqOutput(50000))).toHaveLength(2);
    });

    it("replays at most its scrollback to a client that missed more", async () => {
      const session = await open({ scrollbackBytes: 4096 });
      const reference = record(session);
      session.write("seq 1 20000; echo seq-$((2*3))-done\r");
      await waitFor(() => reference.text().includes("seq-6-done"), "the end of the output");
      await waitFor(() => reference.text().endsWith("# "), "the next prompt");
      for (const since of [undefined, 0]) {
        const late = record(session, { since });
        expect(late.bytes().length).toBeLessThanOrEqual(4096);
        expect(late.bytes().length).toBeGreaterThan(4000);
        expect(late.lastOffset()).toBe(session.stats().endOffset);
        expect(reference.bytes().toString().endsWith(late.text())).toBe(true);
      }
    });

    it("shows the same output to several clients", async () => {
      const session = await open();
      const first = record(session);
      const second = record(session);
      session.write("seq 1 3000; echo both-$((4*4))\r");
      await waitFor(() => first.text().includes("both-16") && second.text().includes("both-16"), "both clients");
      await waitFor(() => first.bytes().length === second.bytes().length, "equal lengths");
      expect(first.bytes().equals(second.bytes())).toBe(true);
    });

    it("lets an observer watch but not type", async () => {
      const session = await open();
      const observer = record(session, { readOnly: true });
      expect(() => observer.client.write("rm -rf /\r")).toThrow(TerminalReadOnlyError);
      await expect(observer.client.resize(100, 40)).rejects.toBeInstanceOf(TerminalReadOnlyError);
      session.write("echo seen-$((3*3))\r");
      await waitFor(() => observer.text().includes("seen-9"), "the observer to see output");
    });

    it("pauses the shell while a client does not acknowledge, and resumes after it does", async () => {
      const session = await open();
      const lagging = record(session, { ack: false });
      session.write("yes\r");
      await waitFor(() => session.stats().paused, "the output to pause");
      const pausedAt = session.stats().endOffset;
      for (let sample = 0; sample < 10; sample += 1) {
        await pause(50);
        const stats = session.stats();
        expect(stats.maxUnackedBytes).toBeLessThanOrEqual(HIGH_WATERMARK + CHUNK_BYTES);
        expect(stats.bufferedBytes).toBeLessThanOrEqual(2 * CHUNK_BYTES);
        expect(stats.endOffset).toBe(pausedAt);
      }
      lagging.client.ack(lagging.bytes().length);
      await waitFor(() => session.stats().endOffset > pausedAt, "output to continue");
      session.write("\x03");
    });

    it("interrupts a flood with Ctrl-C and returns to a prompt", async () => {
      const session = await open();
      const recorded = record(session);
      session.write("yes\r");
      await waitFor(() => recorded.text().includes("y\r\ny\r\ny\r\n"), "yes to run");
      session.write("\x03");
      const interruptedAt = recorded.bytes().length;
      await waitFor(
        () => recorded.bytes().subarray(interruptedAt).toString().includes(PROMPT),
        "a prompt after the interrupt",
      );
      session.write("echo back-$((5*5))\r");
      await waitFor(() => recorded.text().includes("back-25"), "a command after the interrupt");
    });

    it("reports the shell's exit code when it exits", async () => {
      const session = await open();
      const recorded = record(session);
      session.write("exit 3\r");
      const exit = await session.exited;
      expect(exit).toMatchObject({ exitCode: 3, reason: "exited" });
      expect(recorded.exits).toEqual([exit]);
    });
  });

  describe(`ending a terminal session on ${transport}`, () => {
    beforeEach(async () => {
      container = await startContainer(transport);
    });

    it("ends the shell and what runs in it when disposed", async () => {
      const session = await open();
      const recorded = record(session);
      session.write("sleep 1234\r");
      await waitFor(() => recorded.text().includes("sleep 1234"), "the command echo");
      await waitFor(async () => (await processList()).includes("sleep 1234"), "sleep to start");
      expect(await processList()).toContain("bash");
      await session.dispose();
      expect(recorded.exits).toMatchObject([{ reason: "disposed" }]);
      const processes = await processList();
      expect(processes).not.toContain("bash");
      expect(processes).not.toContain("sleep 1234");
      expect(() => session.write("ls\r")).toThrow(/has ended/);
    });

    it("outlives its clients for the grace period, then ends the shell", async () => {
      const session = await open({ graceMs: 300 });
      const recorded = record(session);
      await pause(600);
      expect(session.stats().state).toBe("running");
      recorded.client.dispose();
      const exit = await session.exited;
      expect(exit.reason).toBe("abandoned");
      expect(await processList()).not.toContain("bash");
    });

    it("ends with a clear reason when its container dies", async () => {
      const session = await open();
      const recorded = record(session);
      await container.kill();
      const exit = await session.exited;
      expect(exit).toMatchObject({ reason: "container_stopped" });
      expect(exit.message).toMatch(/the host stopped/);
      expect(recorded.exits).toEqual([exit]);
      await expect(open()).rejects.toBeInstanceOf(ContainerNotRunningError);
    });
  });
}

describe("terminal pipes", () => {
  beforeEach(async () => {
    container = await startContainer("pipes");
  });

  it("show a sandbox only its own FIFOs, read-only, and are removed when the session ends", async () => {
    const session = await open();
    const ownHost = hostNumber;
    const other = await startContainer("pipes");
    try {
      const folder = terminalPipes.hostFolder("env", `host${ownHost}`);
      const names = await readdir(folder);
      expect(names).toHaveLength(3);
      const probe = (name: string) => `[ -p /run/circus-terminals/${name} ] && echo fifo || echo absent`;
      expect(await runInContainer(probe(names[0]!))).toBe("fifo\r\n");
      // The folder cannot be listed from inside (0711), and the learner, root in the sandbox, cannot replace,
      // add or remount the FIFOs.
      expect(await runInContainer("ls /run/circus-terminals 2>&1")).toMatch(/Permission denied/);
      expect(await runInContainer(`rm -f /run/circus-terminals/${names[0]} 2>&1`)).toMatch(/Read-only file system/);
      expect(await runInContainer("mkfifo /run/circus-terminals/x 2>&1")).toMatch(/Read-only file system/);
      expect(await runInContainer("mount -o remount,rw /run/circus-terminals 2>&1; echo $?")).not.toMatch(/^0/m);
      // Another sandbox has a folder of its own.
      expect(await runInContainer(probe(names[0]!), other)).toBe("absent\r\n");
      await session.dispose();
      expect(await readdir(folder)).toEqual([]);
    } finally {
      await other.remove({ force: true });
    }
  });

  it("keeps following resizes after Ctrl-C, Ctrl-Z and while a program runs", async () => {
    const session = await open();
    const recorded = record(session);
    await waitFor(() => recorded.text().includes(PROMPT), "the prompt");
    session.write("\x03\x1a");
    await session.resize(101, 41);
    await waitForSize(recorded, "41 101", "the size after Ctrl-C and Ctrl-Z");
    // A foreground program gets SIGWINCH from the kernel when the size changes.
    session.write("trap 'echo winched-$(stty size | tr \" \" x)' WINCH; sleep 30 & wait\r");
    await waitFor(() => recorded.text().includes("sleep 30"), "the command echo");
    // The shell may not be in `wait` yet when the first size arrives: a later one then tells.
    for (let attempt = 0; ; attempt += 1) {
      await session.resize(120 + attempt, 50);
      try {
        await waitFor(() => recorded.text().includes(`winched-50x${120 + attempt}`), "SIGWINCH", 1_000);
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
      }
    }
  });

  it("go through the engine for an image without script, and remember it for the host", async () => {
    await runInContainer("rm $(command -v script)");
    const first = await open();
    const recorded = record(first);
    expect(first.stats().transport).toBe("engine");
    first.write("echo engine-$((8*8))\r");
    await waitFor(() => recorded.text().includes("engine-64"), "output through the engine");
    expect(hostPipes?.usable(container.id)).toBe(false);
    expect((await open()).stats().transport).toBe("engine");
  });

  it("go through the engine when sandboxes do not see the folder (a server elsewhere than the engine)", async () => {
    const unbound = await startContainer("engine");
    const ownRoot = await TerminalPipes.open({
      root: join(pipesRoot, "unbound"),
      docker,
      logger: pino({ level: "silent" }),
    });
    await ownRoot?.prepareHost("env", "unbound");
    const pipes = ownRoot?.host("env", "unbound");
    try {
      const session = await openTerminal(docker, unbound.id, { cols: 80, rows: 24, pipes });
      sessions.push(session);
      expect(session.stats().transport).toBe("engine");
      // Not only that sandbox: no terminal of this runtime tries its pipes again.
      expect(pipes?.usable(container.id)).toBe(false);
    } finally {
      await Promise.all(sessions.map((session) => session.dispose()));
      sessions = [];
      await unbound.remove({ force: true });
    }
  });
});
