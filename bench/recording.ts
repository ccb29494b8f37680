// Benchmark module `recording`: what recording a terminal costs. Two shells in one `circus/base`
// container (labelled `circus.bench=<run id>`, removed at the end), one recorded into a real SQLite
// database the way the web server does it, one not; keystrokes alternate between them, so both see
// the same machine load, and the echo latency of each is compared. Then a typing session is recorded
// and its stored (gzip) bytes are scaled to a minute.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type Dockerode from "dockerode";
import { migrateDatabase, openDatabase } from "../prisma/src/index";
import { connectEngine } from "../sandbox/src/engine/connect-engine";
import { TerminalRecording } from "../sandbox/src/recordings/terminal-recording";
import { openTerminal } from "../sandbox/src/terminals/open-terminal";
import type { TerminalSession } from "../sandbox/src/terminals/terminal-session";
import { type BenchContext, type BenchModule, type BenchResult, percentile } from "./bench-module";

const BENCH_LABEL = "circus.bench";
/** Keystrokes per shell for the echo figures (each is one sample). */
const KEYSTROKES = 400;
/** How long the typing session lasts. */
const SESSION_SECONDS = 20;
/** Commands a learner typically types, at ~6 characters a second. */
const SESSION_COMMANDS = [
  "ls -la /etc",
  "cat /etc/os-release",
  "cd /tmp && echo hello > note.txt",
  "cat note.txt",
  "ps aux",
  "df -h",
  "history | tail -5",
];

const recording: BenchModule = {
  name: "recording",
  async run(context: BenchContext): Promise<BenchResult> {
    const runId = randomBytes(6).toString("hex");
    const docker = await connectEngine();
    const folder = mkdtempSync(join(tmpdir(), "circus-bench-recording-"));
    const url = `file:${join(folder, "bench.db")}`;
    let container: Dockerode.Container | undefined;
    const sessions: TerminalSession[] = [];
    const recorders: TerminalRecording[] = [];
    await migrateDatabase({ url });
    const db = await openDatabase({ url });
    try {
      container = await docker.createContainer({
        Image: "circus/base:latest",
        Cmd: ["sleep", "infinity"],
        Labels: { [BENCH_LABEL]: runId },
        HostConfig: { NetworkMode: "none", CapDrop: ["ALL"], Init: true },
      });
      await container.start();
      const learner = await db.ensureLearner();
      const run = await db.createRun({
        learnerId: learner.id,
        scenarioId: "bench",
        expiresAt: new Date(Date.now() + 3_600_000),
      });
      const recorderFor = async () => {
        const row = await db.createRecording({
          runId: run.id,
          terminalId: "1",
          cols: 80,
          rows: 24,
          expiresAt: new Date(Date.now() + 3_600_000),
        });
        const recorder = new TerminalRecording({
          cols: 80,
          rows: 24,
          sink: {
            write: async (batch) => {
              await db.appendRecordingChunk({
                recordingId: row.id,
                seq: batch.seq,
                data: batch.gzip,
                castBytes: batch.castBytes,
              });
              return "continue";
            },
            close: async ({ truncated }) => db.finishRecording(row.id, { truncated }),
          },
        });
        recorders.push(recorder);
        return { recorder, id: row.id };
      };
      const open = async (recorder?: TerminalRecording) => {
        const session = await openTerminal(docker, container!.id, {
          cols: 80,
          rows: 24,
          command: ["bash", "--norc", "--noprofile"],
          ...(recorder ? { recorder } : {}),
        });
        sessions.push(session);
        return session;
      };

      context.log(`recording: run ${runId}, ${KEYSTROKES} keystrokes per shell`);
      const recorded = await open((await recorderFor()).recorder);
      const plain = await open();
      const withRecording: number[] = [];
      const without: number[] = [];
      const echoes = [new EchoProbe(recorded), new EchoProbe(plain)];
      for (const probe of echoes) await probe.ready();
      for (let index = 0; index < KEYSTROKES && !context.signal.aborted; index += 1) {
        withRecording.push(await echoes[0]!.keystroke());
        without.push(await echoes[1]!.keystroke());
      }
      for (const probe of echoes) probe.dispose();
      const p99With = percentile(withRecording, 99);
      const p99Without = percentile(without, 99);

      context.log(`recording: a ${SESSION_SECONDS} s typing session`);
      const typed = await recorderFor();
      const session = await open(typed.recorder);
      let client: ReturnType<TerminalSession["attach"]> | undefined;
      client = session.attach({ onData: (chunk) => client?.ack(chunk.length), onExit: () => {} });
      client.ack(session.stats().endOffset);
      const started = performance.now();
      let command = 0;
      while (performance.now() - started < SESSION_SECONDS * 1000 && !context.signal.aborted) {
        const line = `${SESSION_COMMANDS[command % SESSION_COMMANDS.length]}\r`;
        command += 1;
        for (const character of line) {
          client.write(character);
          await new Promise((resolve) => setTimeout(resolve, 160));
        }
        await new Promise((resolve) => setTimeout(resolve, 800));
      }
      const seconds = (performance.now() - started) / 1000;
      client.dispose();
      await session.dispose();
      await typed.recorder.close();
      const stored = (await db.getRecording(typed.id))?.storedBytes ?? 0;

      return {
        metrics: {
          "recording.echo_p99_with_ms": round(p99With),
          "recording.echo_p99_without_ms": round(p99Without),
          "recording.echo_p99_overhead_ms": round(p99With - p99Without),
          "recording.echo_p50_overhead_ms": round(percentile(withRecording, 50) - percentile(without, 50)),
          "recording.bytes_per_minute": Math.round((stored * 60) / seconds),
        },
        targets: { "recording.echo_p99_overhead_ms": { max: 1, rule: "≤ 1 ms" } },
      };
    } finally {
      await Promise.allSettled(sessions.map((session) => session.dispose()));
      await Promise.allSettled(recorders.map((recorder) => recorder.close()));
      await db.dispose();
      await container?.remove({ force: true }).catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    }
  },
};

export default recording;

/** Types one character at a time into a shell and times until its echo comes back. */
class EchoProbe {
  readonly #client: ReturnType<TerminalSession["attach"]> | undefined;
  #received = "";
  #waiter: (() => void) | undefined;

  constructor(session: TerminalSession) {
    let replayed = 0;
    this.#client = session.attach({
      onData: (chunk) => {
        // The scrollback is replayed inside `attach`, before `#client` is set: acknowledged below.
        if (this.#client) this.#client.ack(chunk.length);
        else replayed += chunk.length;
        this.#received += Buffer.from(chunk).toString("latin1");
        this.#waiter?.();
      },
      onExit: () => {},
    });
    this.#client.ack(replayed);
  }

  async ready(): Promise<void> {
    this.#client?.write("stty -echoctl; PS1=''\r");
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  /** Milliseconds from writing a letter until it is echoed; a backspace then erases it (not timed). */
  async keystroke(): Promise<number> {
    this.#received = "";
    const echoed = new Promise<void>((resolve) => {
      this.#waiter = () => {
        if (this.#received.includes("x")) resolve();
      };
    });
    const started = performance.now();
    this.#client?.write("x");
    await withDeadline(echoed, "the echo of a keystroke");
    const elapsed = performance.now() - started;
    this.#received = "";
    const erased = new Promise<void>((resolve) => {
      this.#waiter = () => {
        // Readline redraws the line ("\r\x1b[K" with an empty prompt) or moves back ("\b").
        if (this.#received.length > 0) resolve();
      };
    });
    this.#client?.write("\x7f");
    await withDeadline(erased, "the erase of a keystroke");
    this.#waiter = undefined;
    return elapsed;
  }

  dispose(): void {
    this.#client?.dispose();
  }
}

async function withDeadline(promise: Promise<void>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within 5 s`)), 5_000);
  });
  try {
    await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
