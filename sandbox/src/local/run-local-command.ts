// A non-interactive command on this machine for the local driver, with the Docker runCommand's
// result shape and errors: separated output capped in size, and the whole process group killed on timeout or abort.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { isAbsolute, join } from "node:path";
import { performance } from "node:perf_hooks";
import type { CommandResult, RunCommandOptions } from "../commands/run-command";
import { CommandAbortedError, CommandTimedOutError } from "../errors";

/** The Docker runCommand's options, less `user` (local commands run as the user of this process). */
export type LocalCommandOptions = Omit<RunCommandOptions, "user">;

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** What `timeout` (which wraps Docker commands) exits with when it cannot start the program. */
const COMMAND_NOT_RUNNABLE_EXIT_CODE = 127;

/** Runs a command in `directory` (relative `workdir`s are inside it) with exactly `baseEnv` plus the command's env. */
export async function runLocalCommand(
  directory: string,
  baseEnv: Record<string, string>,
  options: LocalCommandOptions,
): Promise<CommandResult> {
  const [program, ...args] = commandOf(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { signal } = options;
  if (signal?.aborted) throw new CommandAbortedError();
  const cwd = options.workdir === undefined ? directory : resolveWorkdir(directory, options.workdir);
  const started = performance.now();
  // Typed as ProcessEnv: apps that augment it (Next.js adds NODE_ENV) must still accept exactly these variables.
  const env: NodeJS.ProcessEnv = { ...baseEnv, ...options.env } as NodeJS.ProcessEnv;
  const child = spawn(program!, args, {
    cwd,
    env,
    // Its own process group, so a timeout kills what it started too.
    detached: true,
    stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const maxBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const stdout = new CappedText(maxBytes);
  const stderr = new CappedText(maxBytes);
  child.stdout?.on("data", (chunk: Buffer) => stdout.add(chunk));
  child.stderr?.on("data", (chunk: Buffer) => stderr.add(chunk));
  child.stdin?.on("error", () => {
    // The command may exit without reading its stdin (EPIPE): that is its choice, not a failure.
  });
  child.stdin?.end(options.stdin);

  const outcome = await new Promise<CommandOutcome>((resolve) => {
    const timer = setTimeout(() => finish({ kind: "timeout" }), timeoutMs);
    const onAbort = () => finish({ kind: "abort" });
    signal?.addEventListener("abort", onAbort, { once: true });
    function finish(result: CommandOutcome) {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(result);
    }
    child.once("error", (error) => finish({ kind: "spawn-failed", error }));
    child.once("close", (code, exitSignal) => finish({ kind: "exited", code, signal: exitSignal }));
  });

  if (outcome.kind === "timeout" || outcome.kind === "abort") {
    await killProcessGroup(child.pid, closed);
    throw outcome.kind === "timeout" ? new CommandTimedOutError(timeoutMs) : new CommandAbortedError();
  }
  const durationMs = Math.round(performance.now() - started);
  if (outcome.kind === "spawn-failed") {
    return {
      exitCode: COMMAND_NOT_RUNNABLE_EXIT_CODE,
      stdout: "",
      stderr: `failed to run command '${program}': ${outcome.error.message}\n`,
      truncated: false,
      durationMs,
    };
  }
  return {
    exitCode: outcome.code ?? 128 + (outcome.signal ? (constants.signals[outcome.signal] ?? 0) : 0),
    stdout: stdout.text(),
    stderr: stderr.text(),
    truncated: stdout.truncated || stderr.truncated,
    durationMs,
  };
}

type CommandOutcome =
  | { kind: "exited"; code: number | null; signal: NodeJS.Signals | null }
  | { kind: "spawn-failed"; error: Error }
  | { kind: "timeout" }
  | { kind: "abort" };

function commandOf(options: LocalCommandOptions): string[] {
  if (options.argv && options.script !== undefined) throw new TypeError("runCommand takes argv or script, not both");
  if (options.script !== undefined) return ["bash", "-c", options.script];
  if (!options.argv || options.argv.length === 0) throw new TypeError("runCommand needs a non-empty argv or a script");
  return options.argv;
}

function resolveWorkdir(directory: string, workdir: string): string {
  return isAbsolute(workdir) ? workdir : join(directory, workdir);
}

/** Kills the group led by `pid` and waits (at most 5 s) until the child's output has closed. */
async function killProcessGroup(pid: number | undefined, closed: Promise<void>): Promise<void> {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
}

/** Keeps the first `maxBytes` bytes of a stream and remembers whether it dropped any. */
class CappedText {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  truncated = false;

  constructor(private readonly maxBytes: number) {}

  add(chunk: Buffer): void {
    const room = this.maxBytes - this.kept;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const part = chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}
