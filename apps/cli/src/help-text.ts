// What `circus --help` and `circus <command> --help` print.
import type { Command } from "./command";

export function generalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`);
  return [
    "circus: author, check and run Circus scenarios",
    "",
    "Usage: circus <command> [arguments] [--json] [--help]",
    "",
    "Commands:",
    ...lines,
    "",
    "Global options:",
    "  --json      print one JSON object on stdout instead of text",
    "  -h, --help  show this help, or a command's help with `circus <command> --help`",
    "",
    "Environment:",
    "  CIRCUS_DEBUG=1  show stack traces of failures",
    "  NO_COLOR=1      never print colours",
    "",
  ].join("\n");
}

export function commandHelp(command: Command): string {
  return `${command.summary}\n\n${usageOf(command)}\n`;
}

export function usageOf(command: Command): string {
  return `Usage: ${command.usage}`;
}
