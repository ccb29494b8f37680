// Dispatches a command line to its command and turns every outcome into an exit code:
// 0 success, 1 failure, 2 a wrong command line. Stack traces only with CIRCUS_DEBUG=1.

import { ExitCode, isUserFacingError, UsageError } from "./cli-errors";
import type { CliIo } from "./cli-io";
import type { Command } from "./command";
import { splitCommandLine } from "./command-line";
import { commands, findCommand, suggestCommand } from "./command-registry";
import type { CliConfig } from "./config";
import { commandHelp, generalHelp, usageOf } from "./help-text";

export async function runCli(argv: readonly string[], io: CliIo, config: CliConfig): Promise<ExitCode> {
  let command: Command | undefined;
  try {
    const { commandName, rest, help } = splitCommandLine(argv);
    if (commandName === undefined) {
      if (help) {
        io.stdout(generalHelp(commands));
        return ExitCode.ok;
      }
      throw new UsageError("no command given", "run `circus --help` to list the commands");
    }
    command = findCommand(commandName);
    if (!command) {
      const suggestion = suggestCommand(commandName);
      throw new UsageError(
        `unknown command "${commandName}"`,
        suggestion ? `did you mean \`circus ${suggestion}\`?` : "run `circus --help` to list the commands",
      );
    }
    if (help) {
      io.stdout(commandHelp(command));
      return ExitCode.ok;
    }
    return await command.run(rest, io);
  } catch (failure) {
    return reportFailure(failure, io, config, command);
  }
}

function reportFailure(failure: unknown, io: CliIo, config: CliConfig, command: Command | undefined): ExitCode {
  const prefix = command ? `circus ${command.name}` : "circus";
  if (isUserFacingError(failure)) {
    io.stderr(`${prefix}: error: ${failure.message}\n  fix: ${failure.remedy}\n`);
    if (failure instanceof UsageError && command) io.stderr(`${usageOf(command)}\n`);
    if (config.debug && failure.stack) io.stderr(`${failure.stack}\n`);
    const exitCode = (failure as { exitCode?: unknown }).exitCode;
    return exitCode === ExitCode.usage ? ExitCode.usage : ExitCode.failure;
  }
  const message = failure instanceof Error ? failure.message : String(failure);
  io.stderr(`${prefix}: internal error: ${message}\n`);
  if (config.debug) {
    io.stderr(`${failure instanceof Error && failure.stack ? failure.stack : String(failure)}\n`);
  } else {
    io.stderr("  fix: this is a bug in Circus; rerun with CIRCUS_DEBUG=1 and report the stack trace\n");
  }
  return ExitCode.failure;
}
