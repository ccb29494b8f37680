// The local driver, for authors without Docker: commands and terminals run directly on this machine
// in a throwaway folder. It is NOT a sandbox: it refuses to start unless the caller says it knows that.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Logger, pino } from "pino";
import type { CommandResult } from "../commands/run-command";
import { LocalDriverNotAcknowledgedError } from "../errors";
import type { TerminalOptions } from "../terminals/open-terminal";
import { readLocalHostEnvironment } from "./config";
import { type LocalTerminalSession, openLocalTerminal } from "./local-terminal";
import { type LocalCommandOptions, runLocalCommand } from "./run-local-command";

export interface LocalEnvironmentOptions {
  /** Must be `true`: commands run as your user on this machine, unisolated. */
  acknowledgeNotIsolated: true;
  /** Extra environment variables for every command and terminal. Default {}. */
  env?: Record<string, string>;
  /** Where the throwaway folder is made. Default the OS temporary folder. */
  parentDirectory?: string;
  /** Default: a pino logger at "info" (so the warning is seen). */
  logger?: Logger;
}

export interface LocalEnvironment {
  /** The throwaway folder: the working directory and HOME of every command and terminal. */
  readonly directory: string;
  /** Like the Docker runCommand (same result and errors), without `user`. */
  runCommand(options: LocalCommandOptions): Promise<CommandResult>;
  /** Like the Docker openTerminal: a login shell in a PTY with scrollback replay for clients. */
  openTerminal(options: TerminalOptions): Promise<LocalTerminalSession>;
  /** Ends every terminal and running command, then removes the folder. */
  dispose(): Promise<void>;
}

export async function createLocalEnvironment(options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  // Checked at run time too: JavaScript callers and casts get past the type.
  if ((options as { acknowledgeNotIsolated?: unknown } | undefined)?.acknowledgeNotIsolated !== true) {
    throw new LocalDriverNotAcknowledgedError();
  }
  const logger = options.logger ?? pino({ name: "circus-local", level: "info" });
  const directory = await mkdtemp(join(options.parentDirectory ?? tmpdir(), "circus-local-"));
  logger.warn(
    { directory },
    "LOCAL DRIVER, NOT ISOLATED: scenario commands and terminals run on this machine as your user; they can read, change and delete your files and reach your network. Use it only for scenarios you trust.",
  );
  const host = readLocalHostEnvironment();
  const baseEnv: Record<string, string> = {
    PATH: host.path,
    HOME: directory,
    LANG: "C.UTF-8",
    ...(host.user ? { USER: host.user, LOGNAME: host.user } : {}),
    ...options.env,
  };
  return new HostLocalEnvironment(directory, baseEnv, logger);
}

class HostLocalEnvironment implements LocalEnvironment {
  readonly #terminals = new Set<LocalTerminalSession>();
  /** Running commands: the controller that ends each, and its run (settled before the folder is removed). */
  readonly #commands = new Map<AbortController, Promise<unknown>>();
  #disposed = false;

  constructor(
    readonly directory: string,
    private readonly baseEnv: Record<string, string>,
    private readonly logger: Logger,
  ) {}

  async runCommand(options: LocalCommandOptions): Promise<CommandResult> {
    this.#assertOpen();
    // A controller of our own so dispose can end the command; the caller's signal still aborts it.
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort();
    options.signal?.addEventListener("abort", onCallerAbort, { once: true });
    if (options.signal?.aborted) controller.abort();
    const running = runLocalCommand(this.directory, this.baseEnv, { ...options, signal: controller.signal });
    this.#commands.set(controller, running);
    try {
      return await running;
    } finally {
      options.signal?.removeEventListener("abort", onCallerAbort);
      this.#commands.delete(controller);
    }
  }

  async openTerminal(options: TerminalOptions): Promise<LocalTerminalSession> {
    this.#assertOpen();
    const session = openLocalTerminal(this.directory, this.baseEnv, { logger: this.logger, ...options });
    this.#terminals.add(session);
    void session.exited.then(() => this.#terminals.delete(session));
    return session;
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const controller of this.#commands.keys()) controller.abort();
    await Promise.allSettled([...this.#commands.values()]);
    await Promise.all([...this.#terminals].map((session) => session.dispose()));
    await rm(this.directory, { recursive: true, force: true, maxRetries: 3 });
    this.logger.info({ directory: this.directory }, "local environment removed");
  }

  #assertOpen(): void {
    if (this.#disposed) throw new Error(`the local environment in ${this.directory} is disposed`);
  }
}
