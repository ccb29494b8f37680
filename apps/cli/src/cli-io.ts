// Where a command writes and what it may assume about the terminal, so commands can be run
// in-process by tests with captured output and by main.ts with the real process streams.
import type { CliConfig } from "./config";

export interface CliIo {
  /** Writes the command's result to standard output. */
  stdout(text: string): void;
  /** Writes problems and notes to standard error. */
  stderr(text: string): void;
  /** The directory relative arguments are resolved against and printed paths are relative to. */
  cwd: string;
  /** Whether standard output takes ANSI colours (it is a TTY and NO_COLOR is not set). */
  color: boolean;
}

export function processIo(config: CliConfig): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    color: process.stdout.isTTY === true && !config.noColor,
  };
}
