// The shape of a `circus` subcommand. Each lives in commands/<name>.ts and is listed once in
// command-registry.ts; it parses its own arguments with parseCommandLine.

import type { ExitCode } from "./cli-errors";
import type { CliIo } from "./cli-io";

export interface Command {
  /** The word after `circus`, e.g. "validate". */
  readonly name: string;
  /** One line for `circus --help`. */
  readonly summary: string;
  /** The synopsis and options, shown by `circus <name> --help` and after a usage error. */
  readonly usage: string;
  /**
   * Runs the command with the arguments after its name (global flags such as --json included).
   * Throws CliError/UsageError for failures the user can fix; returns the exit code otherwise.
   */
  run(args: readonly string[], io: CliIo): Promise<ExitCode>;
}
