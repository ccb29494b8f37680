// The terminal figures, measured the same way on any TerminalProbe: keystroke echo, bulk output, Ctrl-C
// under a flood, and the server's memory while a client stalls during a flood.
import { percentile } from "./bench-module";
import { rssBytes } from "./bench-processes";
import type { TerminalProbe } from "./terminal-probe";

export const ECHO_KEYSTROKES = 500;
/** `seq 1 <this>` is the bulk output (~16.9 MB with the TTY's CRs). */
const SEQ_LAST = 2_000_000;
const CTRL_C_SAMPLES = 5;
const THROUGHPUT_SAMPLES = 3;
const STALL_MS = 10_000;
/** Keystrokes between line kills (Ctrl-U), so the line never wraps and each echo is one plain byte. */
const KEYS_PER_LINE = 40;
const CTRL_U = "\x15";
const CTRL_C = "\x03";
const MIB = 1024 * 1024;

export interface TerminalFigures {
  echo_p50_ms: number;
  echo_p99_ms: number;
  throughput_mb_s: number;
  ctrl_c_ms: number;
  server_rss_growth_mib: number;
}

export interface MeasureOptions {
  signal: AbortSignal;
  log(line: string): void;
  /** The PID whose RSS is the server's (its /proc/<pid>/status). */
  serverPid: number;
}

export async function measureTerminal(probe: TerminalProbe, options: MeasureOptions): Promise<TerminalFigures> {
  await waitForPrompt(probe);
  const echo = await measureEcho(probe, options.signal);
  options.signal.throwIfAborted();
  const throughputs: number[] = [];
  for (let index = 0; index < THROUGHPUT_SAMPLES; index += 1) throughputs.push(await measureThroughput(probe));
  const throughput = percentile(throughputs, 50);
  options.signal.throwIfAborted();
  const ctrlC = await measureCtrlC(probe, options.signal);
  options.signal.throwIfAborted();
  const growth = await measureStalledGrowth(probe, options.serverPid, options.log);
  return {
    echo_p50_ms: round(percentile(echo, 50), 2),
    echo_p99_ms: round(percentile(echo, 99), 2),
    // The median of 3 runs of seq.
    throughput_mb_s: round(throughput, 2),
    ctrl_c_ms: round(percentile(ctrlC, 50), 1),
    server_rss_growth_mib: round(growth, 2),
  };
}

/** Only the keystroke echo (after the first prompt): p50 and p99 in ms. */
export async function measureEchoOnly(
  probe: TerminalProbe,
  signal: AbortSignal,
): Promise<{ echo_p50_ms: number; echo_p99_ms: number }> {
  await waitForPrompt(probe);
  const echo = await measureEcho(probe, signal);
  return { echo_p50_ms: round(percentile(echo, 50), 2), echo_p99_ms: round(percentile(echo, 99), 2) };
}

async function waitForPrompt(probe: TerminalProbe): Promise<void> {
  try {
    await probe.output.until(() => probe.output.promptShown(), "the first prompt", 15_000);
  } catch {
    probe.send("\r");
    await probe.output.until(() => probe.output.promptShown(), "a prompt after Enter", 15_000);
  }
  await probe.output.quiet(200);
}

/** Kills the line being typed and waits for the redraw to settle. */
async function killLine(probe: TerminalProbe): Promise<void> {
  probe.send(CTRL_U);
  await probe.output.quiet(40);
}

/** Keystroke to the first byte of its echo at the client, one keystroke at a time. */
export async function measureEcho(probe: TerminalProbe, signal: AbortSignal): Promise<number[]> {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const durations: number[] = [];
  // A few unmeasured keystrokes warm up every path (JIT, buffers, the engine's stream).
  for (let index = -20; index < ECHO_KEYSTROKES; index += 1) {
    if ((index + 20) % KEYS_PER_LINE === 0) {
      signal.throwIfAborted();
      await killLine(probe);
    }
    const key = letters[(index + 26) % 26] as string;
    const before = probe.output.totalBytes;
    const sent = performance.now();
    probe.send(key);
    const firstByte = await probe.output.until(() => probe.output.totalBytes > before, `the echo of ${key}`, 10_000);
    // The next keystroke waits for the whole echo, so a late byte is never taken for the next echo.
    await probe.output.until(() => probe.output.tail.endsWith(key), `the whole echo of ${key}`, 10_000);
    if (index >= 0) durations.push(firstByte - sent);
  }
  await killLine(probe);
  return durations;
}

/** `seq 1 2000000`: bytes delivered to the client over the time from Enter to its last line. */
async function measureThroughput(probe: TerminalProbe): Promise<number> {
  const last = `\n${SEQ_LAST}\r\n`;
  probe.send(`seq 1 ${SEQ_LAST}`);
  await probe.output.until(() => probe.output.tail.endsWith(String(SEQ_LAST)), "the seq command's echo", 10_000);
  const before = probe.output.totalBytes;
  // The previous run's last line must not count for this one.
  probe.output.forgetTail();
  const started = performance.now();
  probe.send("\r");
  const ended = await probe.output.until(() => probe.output.tail.includes(last), "the last line of seq", 180_000);
  const bytes = probe.output.totalBytes - before;
  await probe.output.until(() => probe.output.promptShown(), "the prompt after seq", 30_000);
  await probe.output.quiet(100);
  return bytes / 1e6 / ((ended - started) / 1000);
}

/** Ctrl-C while `yes` floods the terminal, until the prompt is back at the client. */
async function measureCtrlC(probe: TerminalProbe, signal: AbortSignal): Promise<number[]> {
  const durations: number[] = [];
  for (let index = 0; index < CTRL_C_SAMPLES; index += 1) {
    signal.throwIfAborted();
    await startFlood(probe);
    const sent = performance.now();
    probe.send(CTRL_C);
    const prompt = await probe.output.until(() => probe.output.promptShown(), "the prompt after Ctrl-C", 60_000);
    durations.push(prompt - sent);
    await probe.output.quiet(100);
  }
  return durations;
}

/** Runs `yes` and resolves once 256 KB of it reached the client (the pipeline is full). */
async function startFlood(probe: TerminalProbe): Promise<void> {
  probe.send("yes\r");
  const before = probe.output.totalBytes;
  await probe.output.until(() => probe.output.totalBytes - before > 256 * 1024, "yes output", 30_000);
}

/**
 * The server's RSS before `yes` starts, and after a client stopped reading and acknowledging during it
 * for 10 s; the client then catches up and the prompt is restored.
 */
async function measureStalledGrowth(probe: TerminalProbe, pid: number, log: (line: string) => void): Promise<number> {
  await probe.output.quiet(300);
  const before = rssBytes(pid);
  await startFlood(probe);
  probe.stall();
  let peak = before;
  const until = performance.now() + STALL_MS;
  while (performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    peak = Math.max(peak, rssBytes(pid));
  }
  const after = rssBytes(pid);
  log(`    stalled client: RSS ${toMiB(before)} → ${toMiB(after)} MiB (peak ${toMiB(peak)} MiB)`);
  probe.send(CTRL_C);
  probe.unstall();
  try {
    const started = performance.now();
    await probe.output.until(() => probe.output.promptShown(), "the prompt after the stall", 30_000);
    log(`    the client caught up: prompt back ${Math.round(performance.now() - started)} ms after it read again`);
  } catch (error) {
    // A server may drop a client that stalled (wetty's socket.io heartbeat gives up after ~10 s): say so.
    const why = probe.endedBecause() ?? (error instanceof Error ? error.message.slice(0, 80) : String(error));
    log(`    the client did not recover after the stall: ${why}`);
  }
  return (after - before) / MIB;
}

function toMiB(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
