// Failures the CLI reports to the user as a message and a remedy, never as a stack trace.
// Anything else that escapes a command is a bug in Circus and is reported as such.

export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  override name = "CliError";
  constructor(
    readonly code: string,
    message: string,
    /** What the user should do about it. */
    readonly remedy: string,
    readonly exitCode: ExitCode = ExitCode.failure,
  ) {
    super(message);
  }
}

/** The command line itself is wrong: unknown command or flag, missing argument. Exits with 2. */
export class UsageError extends CliError {
  override name = "UsageError";
  constructor(message: string, remedy: string) {
    super("usage", message, remedy, ExitCode.usage);
  }
}

/**
 * An error meant for the user: a CliError, or any typed error of the Circus libraries that carries
 * a `code` and a `remedy` (e.g. @circus/sandbox's SandboxError).
 */
export function isUserFacingError(value: unknown): value is Error & { code: string; remedy: string } {
  return (
    value instanceof Error &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { remedy?: unknown }).remedy === "string"
  );
}
