// A Circus terminal as the player's client sees it: a real `ws` client of /ws/terminal that sends its
// first size, types binary frames and acknowledges output as soon as it arrives (xterm.js writing it).
import WebSocket from "ws";
import { BenchLearner, type BenchRun } from "./circus-learner";
import { OutputWatcher, type TerminalProbe } from "./terminal-probe";

export interface CircusTerminalTarget {
  origin: string;
  cookieHeader: string;
  runId: string;
  terminalId: string;
  host: string;
}

export async function connectCircusTerminal(target: CircusTerminalTarget, description: string): Promise<TerminalProbe> {
  const query = new URLSearchParams({ run: target.runId, host: target.host, terminal: target.terminalId });
  const socket = new WebSocket(`${target.origin.replace(/^http/, "ws")}/ws/terminal?${query}`, {
    headers: { cookie: target.cookieHeader, origin: target.origin },
    perMessageDeflate: false,
  });
  const output = new OutputWatcher();
  let unacked = 0;
  let stalled = false;
  const ack = () => {
    if (unacked === 0 || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: "ack", bytes: unacked }));
    unacked = 0;
  };
  socket.on("message", (data, isBinary) => {
    if (!isBinary) return;
    const bytes = data as Buffer;
    unacked += bytes.length;
    if (!stalled) ack();
    output.push(bytes);
  });
  socket.on("error", () => undefined);
  let ended: string | undefined;
  socket.once("close", (code, reason) => {
    ended = `socket closed ${code} ${reason.toString()}`;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("unexpected-response", (_req, res) => reject(new Error(`terminal upgrade refused: ${res.statusCode}`)));
    socket.once("error", reject);
  });
  socket.send(JSON.stringify({ type: "resize", cols: 80, rows: 24 }));
  return {
    description,
    output,
    send: (text) => socket.send(Buffer.from(text, "utf8"), { binary: true }),
    stall: () => {
      stalled = true;
      socket.pause();
    },
    unstall: () => {
      stalled = false;
      socket.resume();
      ack();
    },
    endedBecause: () => ended,
    close: async () => {
      const closed = new Promise((resolve) => socket.once("close", resolve));
      socket.close();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      socket.terminate();
    },
  };
}

/** A learner with a ready run on a Circus server and a probe on the run's first terminal. */
export interface ReadyTerminal {
  learner: BenchLearner;
  run: BenchRun;
  probe: TerminalProbe;
}

/** Visits `origin` as a new learner, starts a run of `scenarioId`, waits until it is ready and connects its first terminal. */
export async function startRunWithTerminal(
  origin: string,
  scenarioId: string,
  description: string,
): Promise<ReadyTerminal> {
  const learner = new BenchLearner(origin);
  await learner.visit();
  const run = await learner.startReadyRun(scenarioId);
  const terminal = run.terminals[0];
  if (!terminal) throw new Error(`the run of ${scenarioId} has no terminal`);
  const probe = await connectCircusTerminal(
    { origin, cookieHeader: learner.cookieHeader, runId: run.id, terminalId: terminal.id, host: terminal.host },
    description,
  );
  return { learner, run, probe };
}
