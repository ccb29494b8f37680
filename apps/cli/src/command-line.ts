// Argument parsing shared by all commands: node:util parseArgs (strict) for the syntax, then a zod
// schema for the meaning, so a bad command line is always a UsageError with a clear message.
import { type ParseArgsConfig, parseArgs } from "node:util";
import type { z } from "zod";
import { UsageError } from "./cli-errors";

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** Flags every command accepts. `--help` is handled by run-cli before a command runs. */
export const GLOBAL_OPTIONS = {
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies OptionsConfig;

export interface CommandLineSpec<S extends z.ZodType> {
  /** The command's own flags, in parseArgs form; the global ones are added. */
  options?: OptionsConfig;
  /** Validates `{ ...flags, positionals }`; its messages are shown to the user. */
  schema: S;
}

/** Parses a command's arguments; throws UsageError for unknown flags, missing values or a schema failure. */
export function parseCommandLine<S extends z.ZodType>(args: readonly string[], spec: CommandLineSpec<S>): z.output<S> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...GLOBAL_OPTIONS, ...spec.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new UsageError(firstSentence(message), "see the usage below");
  }
  const result = spec.schema.safeParse({ ...parsed.values, positionals: parsed.positionals });
  if (!result.success) {
    const message = result.error.issues
      .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
      .join("; ");
    throw new UsageError(message, "see the usage below");
  }
  return result.data;
}

export interface SplitCommandLine {
  /** The first positional argument, if any. */
  commandName?: string;
  /** Every argument but the command name, in order. */
  rest: string[];
  /** Whether -h/--help was given (before any `--`). */
  help: boolean;
}

/** Finds the command word; flags before it must be global ones. */
export function splitCommandLine(argv: readonly string[]): SplitCommandLine {
  const { tokens } = parseArgs({
    args: [...argv],
    options: GLOBAL_OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const commandToken = tokens.find(
    (token): token is Extract<(typeof tokens)[number], { kind: "positional" }> => token.kind === "positional",
  );
  let help = false;
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const beforeCommand = commandToken === undefined || token.index < commandToken.index;
    if (beforeCommand && !(token.name in GLOBAL_OPTIONS)) {
      throw new UsageError(
        `unknown option "${token.rawName}" before the command`,
        "put a command's own options after its name, e.g. `circus validate --json scenarios/`",
      );
    }
    if (token.name === "help") help = true;
  }
  if (!commandToken) return { rest: [...argv], help };
  const rest = argv.filter((_, index) => index !== commandToken.index);
  return { commandName: commandToken.value, rest, help };
}

function firstSentence(message: string): string {
  const end = message.indexOf(". ");
  return end === -1 ? message : message.slice(0, end);
}
