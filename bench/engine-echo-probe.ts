// Keystroke echo straight through the engine (a TTY `docker exec` attach, as the terminal sessions use it),
// without the web server and the load generator: typed into a few of a scope's running sandboxes while the
// capacity bench's load runs, it tells how much of the learners' echo tail the engine path alone carries.
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { connectEngine } from "../sandbox/src/engine/connect-engine";

/** How long one echo is awaited before it counts as this long (the probe never hangs on a dead shell). */
const ECHO_TIMEOUT_MS = 2_000;

export interface EngineEchoResult {
  keystrokes: number;
  p50Ms: number;
  p99Ms: number;
}

/** Types a character every 150-300 ms into `terminals` new shells of the scope's sandboxes for `durationMs`. */
export async function probeEngineEcho(options: {
  scope: string;
  terminals: number;
  durationMs: number;
  signal: AbortSignal;
}): Promise<EngineEchoResult> {
  const docker = await connectEngine();
  const listed = await docker.listContainers({
    filters: { label: [`circus.scope=${options.scope}`, "circus.environment"] },
  });
  const samples: number[] = [];
  const deadline = Date.now() + options.durationMs;
  await Promise.all(
    listed.slice(0, options.terminals).map(async (info) => {
      const exec = await docker.getContainer(info.Id).exec({
        Cmd: ["bash", "--norc", "--noprofile"],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        Env: ["TERM=xterm-256color", "PS1=$ "],
      });
      const stream: Duplex = await exec.start({ hijack: true, stdin: true, Tty: true });
      stream.on("error", () => undefined);
      let echoed: ((at: number) => void) | undefined;
      stream.on("data", () => {
        echoed?.(performance.now());
        echoed = undefined;
      });
      try {
        await delay(500);
        for (let typed = 1; Date.now() < deadline && !options.signal.aborted && !stream.destroyed; typed++) {
          const sent = performance.now();
          const at = new Promise<number>((resolve) => {
            echoed = resolve;
            setTimeout(() => resolve(sent + ECHO_TIMEOUT_MS), ECHO_TIMEOUT_MS).unref();
          });
          // Every 20th key erases the line (Ctrl-U) so it never grows; its echo is not counted.
          const erase = typed % 20 === 0;
          stream.write(erase ? "\x15" : "x");
          const echoAt = await at;
          if (!erase) samples.push(echoAt - sent);
          await delay(150 + Math.random() * 150);
        }
      } finally {
        stream.end("\x15exit\r");
        setTimeout(() => stream.destroy(), 1_000).unref();
      }
    }),
  );
  samples.sort((a, b) => a - b);
  const rank = (p: number) => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)] ?? Number.NaN;
  return { keystrokes: samples.length, p50Ms: rank(0.5), p99Ms: rank(0.99) };
}
