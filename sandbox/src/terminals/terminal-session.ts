// One interactive shell in a container (on terminal pipes or a PTY exec) shared by any number of clients: it
// keeps the scrollback, pauses the PTY when a writing client falls behind, and outlives its clients for a
// grace period.
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import { z } from "zod";
import { InvalidTerminalOptionsError, TerminalClosedError, TerminalReadOnlyError } from "../errors";
import type { TerminalRecorder } from "../recordings/terminal-recording";
import { endTerminalShell } from "./end-terminal-shell";
import {
  type FlowControlOptions,
  type TerminalExit,
  type TerminalExitReason,
  type TerminalListener,
  TerminalOutput,
  type TerminalOutputStats,
} from "./terminal-output";
import type { TerminalTransport } from "./terminal-transport";

export const terminalSizeSchema = z.object({
  cols: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(1000),
});

/** A client's handle on a session, returned by `attach`. */
export interface TerminalClient {
  readonly readOnly: boolean;
  /** Types into the shell; throws TerminalReadOnlyError for observers. */
  write(data: string | Uint8Array): void;
  /** Keystroke bytes written but not yet taken by the engine (the shell is not reading its input). */
  readonly pendingInputBytes: number;
  /**
   * While the engine asks writers to wait (its input buffer is full), settles once it drained or the
   * shell ended; undefined when there is nothing to wait for. Callers stop reading their own input meanwhile.
   */
  whenInputDrained(): Promise<void> | undefined;
  /** Resizes the PTY; throws TerminalReadOnlyError for observers. */
  resize(cols: number, rows: number): Promise<void>;
  /** Marks `bytes` more delivered bytes as processed, which lets paused output resume. */
  ack(bytes: number): void;
  /** Detaches this client; the session lives on (see `graceMs`). */
  dispose(): void;
}

export interface TerminalSessionStats extends TerminalOutputStats {
  state: "running" | "ending" | "ended";
  /** Bytes read from the engine but not yet processed (held while output is paused). */
  bufferedBytes: number;
  /** Keystroke bytes written but not yet taken by the engine. */
  pendingInputBytes: number;
  cols: number;
  rows: number;
  /** Which path the bytes take: terminal pipes, or the engine's PTY exec. */
  transport: TerminalTransport["kind"];
}

export interface TerminalSessionInit {
  id: string;
  docker: Dockerode;
  containerId: string;
  transport: TerminalTransport;
  marker: string;
  cols: number;
  rows: number;
  scrollbackBytes: number;
  graceMs: number;
  flowControl: FlowControlOptions;
  logger: Logger;
  /** Records output, input and resizes (asciicast); its hooks return at once. */
  recorder?: TerminalRecorder | undefined;
}

/** How often, and how far apart, a signal-killed shell's container is checked for having stopped. */
const CONTAINER_STATE_CHECKS = 10;
const CONTAINER_STATE_CHECK_MS = 50;
/** How long dispose waits for the transport to end after the shell was ended. */
const STREAM_END_WAIT_MS = 5_000;

export class TerminalSession {
  /** Random and unguessable: the web layer uses it as a reconnect token. */
  readonly id: string;
  readonly containerId: string;
  /** Settles once, when the shell has ended for any reason; never rejects. */
  readonly exited: Promise<TerminalExit>;
  readonly #init: TerminalSessionInit;
  readonly #output: TerminalOutput;
  readonly #logger: Logger;
  #resolveExited!: (exit: TerminalExit) => void;
  #state: "running" | "ending" | "ended" = "running";
  #graceTimer: NodeJS.Timeout | undefined;
  #graceMs: number;
  #recorder: TerminalRecorder | undefined;
  #size: { cols: number; rows: number };

  constructor(init: TerminalSessionInit) {
    this.#init = init;
    this.id = init.id;
    this.containerId = init.containerId;
    this.#size = { cols: init.cols, rows: init.rows };
    this.#graceMs = init.graceMs;
    this.#recorder = init.recorder;
    this.#logger = init.logger.child({ terminal: init.id, containerId: init.containerId });
    this.exited = new Promise((resolve) => {
      this.#resolveExited = resolve;
    });
    this.#output = new TerminalOutput({
      scrollbackBytes: init.scrollbackBytes,
      flowControl: init.flowControl,
      logger: this.#logger,
      onPausedChange: (paused) => this.#setStreamPaused(paused),
      onClientCountChange: (count) => this.#onClientCountChange(count),
    });
    const { transport } = init;
    transport.output.on("data", (chunk: Buffer) => {
      this.#output.append(chunk);
      this.#recorder?.output(chunk);
    });
    // A transport may hand over its output paused (it read a first line of its own).
    transport.output.resume();
    transport.onError((error) => {
      this.#logger.warn({ err: error, transport: transport.kind }, "terminal stream failed");
      void this.#finish({ reason: "failed", message: `the terminal connection failed: ${error.message}` });
    });
    void transport.ended.then(() => {
      if (this.#state === "running") void this.#finish();
    });
    this.#onClientCountChange(0);
  }

  get size(): { cols: number; rows: number } {
    return { ...this.#size };
  }

  /** Types into the shell (the session's owner; clients go through `TerminalClient.write`). */
  write(data: string | Uint8Array): void {
    if (this.#state !== "running") throw new TerminalClosedError(this.id);
    this.#init.transport.input.write(data);
    this.#recorder?.input(data);
  }

  /** Keystroke bytes written but not yet taken by the engine (the shell is not reading its input). */
  get pendingInputBytes(): number {
    return this.#init.transport.input.writableLength;
  }

  /** See TerminalClient.whenInputDrained. */
  whenInputDrained(): Promise<void> | undefined {
    const stream = this.#init.transport.input;
    if (this.#state === "ended" || !stream.writableNeedDrain || stream.destroyed) return undefined;
    return new Promise((resolve) => {
      const done = () => {
        stream.off("drain", done);
        stream.off("close", done);
        resolve();
      };
      stream.once("drain", done);
      stream.once("close", done);
    });
  }

  async resize(cols: number, rows: number): Promise<void> {
    const size = terminalSizeSchema.safeParse({ cols, rows });
    if (!size.success) throw new InvalidTerminalOptionsError(z.prettifyError(size.error));
    if (this.#state !== "running") throw new TerminalClosedError(this.id);
    await this.#init.transport.resize(size.data.cols, size.data.rows);
    if (size.data.cols !== this.#size.cols || size.data.rows !== this.#size.rows) {
      this.#recorder?.resize(size.data.cols, size.data.rows);
    }
    this.#size = size.data;
  }

  /**
   * Hands a session opened ahead (a warm environment's primed shell) to its terminal: from now on it outlives
   * its last client by `graceMs`, and `recorder` (if any, and none yet) records it, starting with what the
   * shell printed before.
   */
  handOver({ graceMs, recorder }: { graceMs: number; recorder?: TerminalRecorder | undefined }): void {
    if (this.#state !== "running") throw new TerminalClosedError(this.id);
    this.#graceMs = graceMs;
    if (recorder && !this.#recorder) {
      const held = this.#output.held();
      if (held.length > 0) recorder.output(held);
      this.#recorder = recorder;
    }
    this.#onClientCountChange(this.#output.clientCount);
  }

  /**
   * Replays the scrollback from `since` (an `endOffset` the client saw; the whole scrollback when
   * absent or older) and then streams live output, with nothing duplicated or lost in between.
   * `onData` is called for the replay before `attach` returns.
   */
  attach(listener: TerminalListener, options: { readOnly?: boolean; since?: number } = {}): TerminalClient {
    if (this.#state !== "running") throw new TerminalClosedError(this.id);
    if (options.since !== undefined && (!Number.isSafeInteger(options.since) || options.since < 0)) {
      throw new InvalidTerminalOptionsError(`since must be a non-negative integer offset, got ${options.since}`);
    }
    const client = this.#output.attach(listener, options);
    const readOnly = client.readOnly;
    const session = this;
    return {
      readOnly,
      write: (data) => {
        if (readOnly) throw new TerminalReadOnlyError(this.id);
        this.write(data);
      },
      get pendingInputBytes() {
        return session.pendingInputBytes;
      },
      whenInputDrained: () => this.whenInputDrained(),
      resize: async (cols, rows) => {
        if (readOnly) throw new TerminalReadOnlyError(this.id);
        await this.resize(cols, rows);
      },
      ack: (bytes) => client.ack(bytes),
      dispose: () => client.detach(),
    };
  }

  stats(): TerminalSessionStats {
    return {
      ...this.#output.stats(),
      state: this.#state,
      bufferedBytes: this.#init.transport.output.readableLength,
      pendingInputBytes: this.pendingInputBytes,
      ...this.#size,
      transport: this.#init.transport.kind,
    };
  }

  /** Ends the shell inside the container (not just the stream), tells every client, and settles `exited`. */
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
    // Drain whatever the shell still prints so it is never blocked on a full PTY while it exits.
    this.#init.transport.output.resume();
    try {
      const ended = await endTerminalShell(this.#init.docker, this.containerId, this.#init.marker, this.#logger);
      // A shell that could not be ended (the helper passed its deadline) is left to the container's removal.
      if (ended) {
        await Promise.race([
          this.#init.transport.ended,
          new Promise((resolve) => setTimeout(resolve, STREAM_END_WAIT_MS)),
        ]);
      }
    } catch (error) {
      // The container may be gone already, which ends the shell too; the finish below reports it.
      this.#logger.warn({ err: error }, "could not end the terminal shell");
    }
    await this.#finish({ reason, message });
  }

  async #finish(cause?: { reason: TerminalExitReason; message: string }): Promise<void> {
    if (this.#state === "ended") return;
    this.#state = "ended";
    clearTimeout(this.#graceTimer);
    const exitCode = await this.#exitCode();
    const exit: TerminalExit = cause ? { exitCode, ...cause } : await this.#describeNaturalExit(exitCode);
    this.#logger.debug({ exit }, "terminal ended");
    this.#output.end(exit);
    this.#init.transport.destroy();
    void this.#recorder?.close();
    this.#resolveExited(exit);
  }

  async #exitCode(): Promise<number | null> {
    try {
      return await this.#init.transport.exitCode();
    } catch (error) {
      this.#logger.debug({ err: error }, "could not inspect the terminal exec");
      return null;
    }
  }

  async #describeNaturalExit(exitCode: number | null): Promise<TerminalExit> {
    // A shell killed by a signal may be the first sign of a dying container, whose state lags behind.
    const checks = exitCode === null || exitCode >= 128 ? CONTAINER_STATE_CHECKS : 1;
    for (let check = 1; check <= checks; check += 1) {
      if (check > 1) await new Promise((resolve) => setTimeout(resolve, CONTAINER_STATE_CHECK_MS));
      try {
        const { State } = await this.#init.docker.getContainer(this.containerId).inspect();
        if (!State.Running) {
          const detail = `exit ${State.ExitCode}${State.OOMKilled ? ", killed for using too much memory" : ""}`;
          return { exitCode, reason: "container_stopped", message: `the host stopped (${detail})` };
        }
      } catch (error) {
        this.#logger.debug({ err: error }, "could not inspect the terminal's container");
        return { exitCode, reason: "container_stopped", message: "the host no longer exists" };
      }
    }
    return { exitCode, reason: "exited", message: `the shell exited with code ${exitCode ?? "unknown"}` };
  }

  #setStreamPaused(paused: boolean): void {
    if (this.#state !== "running") return;
    if (paused) this.#init.transport.output.pause();
    else this.#init.transport.output.resume();
  }

  #onClientCountChange(count: number): void {
    clearTimeout(this.#graceTimer);
    if (count > 0 || this.#state !== "running") return;
    const graceMs = this.#graceMs;
    this.#graceTimer = setTimeout(() => {
      void this.#end("abandoned", `no client was attached for ${graceMs} ms`);
    }, graceMs).unref();
  }
}
