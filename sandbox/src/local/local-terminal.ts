// A terminal on this machine for the local driver: a node-pty shell behind the same public interface
// as the Docker TerminalSession, reusing its output fan-out (scrollback replay, flow control).
import { randomBytes } from "node:crypto";
import * as pty from "node-pty";
import type { Logger } from "pino";
import { z } from "zod";
import { InvalidTerminalOptionsError, TerminalClosedError, TerminalReadOnlyError } from "../errors";
import { type TerminalOptions, terminalOptionsSchema } from "../terminals/open-terminal";
import {
  defaultFlowControl,
  type TerminalExit,
  type TerminalExitReason,
  type TerminalListener,
  TerminalOutput,
} from "../terminals/terminal-output";
import {
  type TerminalClient,
  type TerminalSession,
  type TerminalSessionStats,
  terminalSizeSchema,
} from "../terminals/terminal-session";

/** The public surface both terminal kinds share (a Docker session also has `containerId`). */
export type InteractiveTerminal = Pick<
  TerminalSession,
  "id" | "exited" | "size" | "write" | "resize" | "attach" | "stats" | "dispose"
>;

/** How long a hung-up shell may take to exit before its process group is killed. */
const HANGUP_GRACE_MS = 2000;

/** Starts `options.command` (default `bash -l`) in a PTY in `directory` with exactly `baseEnv` plus the options' env. */
export function openLocalTerminal(
  directory: string,
  baseEnv: Record<string, string>,
  options: TerminalOptions & { logger: Logger },
): LocalTerminalSession {
  const { logger, ...rest } = options;
  const parsed = terminalOptionsSchema.safeParse(rest);
  if (!parsed.success) throw new InvalidTerminalOptionsError(z.prettifyError(parsed.error));
  const settings = parsed.data;
  const flowControl = { ...defaultFlowControl, ...settings.flowControl };
  if (flowControl.lowWatermark > flowControl.highWatermark) {
    throw new InvalidTerminalOptionsError("the low watermark exceeds the high watermark");
  }
  const [file, ...args] = settings.command;
  const shell = pty.spawn(file!, args, {
    name: "xterm-256color",
    cols: settings.cols,
    rows: settings.rows,
    cwd: directory,
    env: { ...baseEnv, TERM: "xterm-256color", LANG: "C.UTF-8", ...settings.env },
    // Bytes, not strings: the scrollback stores bytes and clients decode them.
    encoding: null,
  });
  return new LocalTerminalSession({
    id: randomBytes(18).toString("base64url"),
    shell,
    cols: settings.cols,
    rows: settings.rows,
    scrollbackBytes: settings.scrollbackBytes,
    graceMs: settings.graceMs,
    flowControl,
    logger,
  });
}

interface LocalTerminalInit {
  id: string;
  shell: pty.IPty;
  cols: number;
  rows: number;
  scrollbackBytes: number;
  graceMs: number;
  flowControl: typeof defaultFlowControl;
  logger: Logger;
}

export class LocalTerminalSession implements InteractiveTerminal {
  readonly id: string;
  /** Settles once, when the shell has ended for any reason; never rejects. */
  readonly exited: Promise<TerminalExit>;
  readonly #shell: pty.IPty;
  readonly #output: TerminalOutput;
  readonly #logger: Logger;
  readonly #graceMs: number;
  readonly #shellExited: Promise<{ exitCode: number; signal?: number }>;
  #resolveExited!: (exit: TerminalExit) => void;
  #state: "running" | "ending" | "ended" = "running";
  #graceTimer: NodeJS.Timeout | undefined;
  #size: { cols: number; rows: number };

  constructor(init: LocalTerminalInit) {
    this.id = init.id;
    this.#shell = init.shell;
    this.#graceMs = init.graceMs;
    this.#size = { cols: init.cols, rows: init.rows };
    this.#logger = init.logger.child({ terminal: init.id, pid: init.shell.pid });
    this.exited = new Promise((resolve) => {
      this.#resolveExited = resolve;
    });
    this.#output = new TerminalOutput({
      scrollbackBytes: init.scrollbackBytes,
      flowControl: init.flowControl,
      logger: this.#logger,
      onPausedChange: (paused) => this.#setPaused(paused),
      onClientCountChange: (count) => this.#onClientCountChange(count),
    });
    init.shell.onData((data: string | Buffer) => {
      this.#output.append(typeof data === "string" ? Buffer.from(data, "utf8") : data);
    });
    this.#shellExited = new Promise((resolve) => init.shell.onExit(resolve));
    void this.#shellExited.then(({ exitCode, signal }) => {
      if (this.#state !== "running") return;
      const killed = signal !== undefined && signal !== 0;
      this.#finish({
        exitCode: killed ? null : exitCode,
        reason: "exited",
        message: killed ? `the shell was killed by signal ${signal}` : `the shell exited with code ${exitCode}`,
      });
    });
    this.#onClientCountChange(0);
  }

  get size(): { cols: number; rows: number } {
    return { ...this.#size };
  }

  write(data: string | Uint8Array): void {
    if (this.#state !== "running") throw new TerminalClosedError(this.id);
    this.#shell.write(typeof data === "string" ? data : Buffer.from(data));
  }

  async resize(cols: number, rows: number): Promise<void> {
    const size = terminalSizeSchema.safeParse({ cols, rows });
    if (!size.success) throw new InvalidTerminalOptionsError(z.prettifyError(size.error));
    if (this.#state !== "running") throw new TerminalClosedError(this.id);
    this.#shell.resize(size.data.cols, size.data.rows);
    this.#size = size.data;
  }

  /** Replays the scrollback from `since` (the whole of it when absent or older), then streams live output. */
  attach(listener: TerminalListener, options: { readOnly?: boolean; since?: number } = {}): TerminalClient {
    if (this.#state !== "running") throw new TerminalClosedError(this.id);
    if (options.since !== undefined && (!Number.isSafeInteger(options.since) || options.since < 0)) {
      throw new InvalidTerminalOptionsError(`since must be a non-negative integer offset, got ${options.since}`);
    }
    const client = this.#output.attach(listener, options);
    const readOnly = client.readOnly;
    return {
      readOnly,
      write: (data) => {
        if (readOnly) throw new TerminalReadOnlyError(this.id);
        this.write(data);
      },
      // node-pty writes to the PTY at once (its own queue is not observable): nothing to wait for here.
      pendingInputBytes: 0,
      whenInputDrained: () => undefined,
      resize: async (cols, rows) => {
        if (readOnly) throw new TerminalReadOnlyError(this.id);
        await this.resize(cols, rows);
      },
      ack: (bytes) => client.ack(bytes),
      dispose: () => client.detach(),
    };
  }

  stats(): TerminalSessionStats {
    return { ...this.#output.stats(), state: this.#state, bufferedBytes: 0, pendingInputBytes: 0, ...this.#size };
  }

  /** Hangs up the shell's process group (like closing a terminal window), kills it if it lingers, and settles `exited`. */
  async dispose(): Promise<void> {
    await this.#end("disposed", "the terminal was closed");
  }

  async #end(reason: TerminalExitReason, message: string): Promise<void> {
    if (this.#state !== "running") {
      await this.exited;
      return;
    }
    this.#state = "ending";
    clearTimeout(this.#graceTimer);
    this.#shell.resume();
    const pid = this.#shell.pid;
    signalGroup(pid, "SIGHUP");
    const ended = await Promise.race([this.#shellExited.then(() => true), delay(HANGUP_GRACE_MS).then(() => false)]);
    if (!ended) {
      this.#logger.warn("the shell ignored the hang-up; killing its process group");
      signalGroup(pid, "SIGKILL");
      await Promise.race([this.#shellExited, delay(HANGUP_GRACE_MS)]);
    }
    this.#finish({ exitCode: null, reason, message });
  }

  #finish(exit: TerminalExit): void {
    if (this.#state === "ended") return;
    this.#state = "ended";
    clearTimeout(this.#graceTimer);
    this.#logger.debug({ exit }, "local terminal ended");
    this.#output.end(exit);
    this.#resolveExited(exit);
  }

  #setPaused(paused: boolean): void {
    if (this.#state !== "running") return;
    if (paused) this.#shell.pause();
    else this.#shell.resume();
  }

  #onClientCountChange(count: number): void {
    clearTimeout(this.#graceTimer);
    if (count > 0 || this.#state !== "running") return;
    this.#graceTimer = setTimeout(() => {
      void this.#end("abandoned", `no client was attached for ${this.#graceMs} ms`);
    }, this.#graceMs).unref();
  }
}

/** node-pty makes the shell a session (and process group) leader, so its jobs share its group id. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
