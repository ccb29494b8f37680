// Runs a host program with an argv array (never a shell string), streaming its output as lines
// and failing with the last lines when it exits non-zero.
import { spawn } from "node:child_process";
import { childEnvironment } from "./config";
import { LineSplitter, LineTail } from "./output-lines";

export interface RunCommandOptions {
  /** Extra environment variables on top of the current ones. */
  env?: Record<string, string>;
  /** Each line of stdout and stderr, as it comes. */
  onLine?: (line: string) => void;
  /** Kills the program (SIGTERM) when aborted. */
  signal?: AbortSignal;
}

export interface CommandOutcome {
  exitCode: number;
  /** The last lines of stdout and stderr together. */
  tail: string[];
}

/** Runs `file args...` with stdin closed; resolves with the exit code whatever it is, rejects only when it cannot start. */
export function runCommand(file: string, args: string[], options: RunCommandOptions = {}): Promise<CommandOutcome> {
  return new Promise((resolve, reject) => {
    const tail = new LineTail();
    const child = spawn(file, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: childEnvironment(options.env),
      signal: options.signal,
    });
    const onLine = (line: string) => {
      tail.add(line);
      options.onLine?.(line);
    };
    const stdout = new LineSplitter(onLine);
    const stderr = new LineSplitter(onLine);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      stdout.flush();
      stderr.flush();
      resolve({ exitCode: code ?? (signal ? 128 : 1), tail: tail.snapshot() });
    });
  });
}
