// One forwarded TCP connection as a Duplex: it carries the relay exec's stdin and demultiplexed
// stdout with backpressure, reads the relay's status lines from stderr, and stops the relay on close.
import type { Socket } from "node:net";
import { Duplex } from "node:stream";
import type Dockerode from "dockerode";
import type { Logger } from "pino";
import { drainWithin, SANDBOX_HELPER_DEADLINE_MS } from "../commands/sandbox-deadline";
import { PortClosedError, PortForwardFailedError } from "../errors";
import { MultiplexedStreamDecoder } from "./multiplexed-stream-decoder";

/** Relay stderr kept for error messages; the status protocol needs only a few lines. */
const MAX_STATUS_BYTES = 4096;
/** Exit codes of an exec whose command could not be found or run. */
const COMMAND_NOT_RUNNABLE = new Set([126, 127]);

export interface PortForwardStreamInit {
  docker: Dockerode;
  containerId: string;
  port: number;
  exec: Dockerode.Exec;
  /** The hijacked exec connection. */
  socket: Socket;
  logger: Logger;
}

export class PortForwardStream extends Duplex {
  readonly port: number;
  /** The relay exec; it is not running any more once this stream has closed and `relayStopped` settled. */
  readonly execId: string;
  /** Settles when the relay reports it is connected; rejects with PortClosedError or PortForwardFailedError. */
  readonly connected: Promise<void>;
  /** Settles once the relay process is gone (it ended, or was stopped after the stream closed). */
  readonly relayStopped: Promise<void>;
  readonly #init: PortForwardStreamInit;
  readonly #decoder = new MultiplexedStreamDecoder();
  #settleConnected!: (error?: Error) => void;
  #settleRelayStopped!: () => void;
  #statusLog = "";
  #partialLine = "";
  #relayPid: number | undefined;
  #relayExited = false;
  #failure: string | undefined;

  constructor(init: PortForwardStreamInit) {
    super({ allowHalfOpen: true });
    this.#init = init;
    this.port = init.port;
    this.execId = init.exec.id;
    let settled = false;
    this.connected = new Promise((resolve, reject) => {
      this.#settleConnected = (error) => {
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve();
      };
    });
    this.connected.catch(() => undefined);
    this.relayStopped = new Promise((resolve) => {
      this.#settleRelayStopped = resolve;
    });
    const { socket } = init;
    socket.on("data", (chunk: Buffer) => this.#onEngineData(chunk));
    socket.on("end", () => void this.#onRelayEnded());
    socket.on("error", (error) => {
      const failure = new PortForwardFailedError(this.port, `the engine connection failed: ${error.message}`, {
        cause: error,
      });
      this.#settleConnected(failure);
      this.destroy(failure);
    });
    socket.on("timeout", () => this.emit("timeout"));
  }

  override _read(): void {
    this.#init.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#init.socket.write(chunk, callback);
  }

  /** Half-close: the relay sees end of input and shuts down the write side of its TCP connection. */
  override _final(callback: (error?: Error | null) => void): void {
    this.#init.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#init.socket.destroy();
    this.#settleConnected(error ?? new PortForwardFailedError(this.port, "the connection was closed before it opened"));
    void this.#stopRelay();
    callback(error);
  }

  // The http module calls these on its sockets; they apply to the engine connection.
  setTimeout(timeout: number, callback?: () => void): this {
    this.#init.socket.setTimeout(timeout);
    if (callback) this.once("timeout", callback);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.#init.socket.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.#init.socket.setKeepAlive(enable, initialDelay);
    return this;
  }

  ref(): this {
    this.#init.socket.ref();
    return this;
  }

  unref(): this {
    this.#init.socket.unref();
    return this;
  }

  #onEngineData(chunk: Buffer): void {
    let pieces: ReturnType<MultiplexedStreamDecoder["decode"]>;
    try {
      pieces = this.#decoder.decode(chunk);
    } catch (error) {
      this.destroy(new PortForwardFailedError(this.port, (error as Error).message, { cause: error }));
      return;
    }
    for (const piece of pieces) {
      if (piece.stream === "stderr") this.#onStatus(Buffer.from(piece.data).toString("utf8"));
      else if (!this.push(piece.data)) this.#init.socket.pause();
    }
  }

  #onStatus(text: string): void {
    this.#statusLog = (this.#statusLog + text).slice(-MAX_STATUS_BYTES);
    const lines = (this.#partialLine + text).split("\n");
    this.#partialLine = (lines.pop() ?? "").slice(-MAX_STATUS_BYTES);
    for (const line of lines) {
      const [word = "", ...rest] = line.trim().split(" ");
      const detail = rest.join(" ");
      if (word === "connected") {
        this.#relayPid = Number.parseInt(detail, 10);
        this.#settleConnected();
      } else if (word === "refused") {
        this.#settleConnected(new PortClosedError(this.port, detail));
      } else if (word === "failed") {
        this.#failure = detail;
      }
    }
  }

  async #onRelayEnded(): Promise<void> {
    this.#relayExited = true;
    this.#settleRelayStopped();
    if (this.#failure !== undefined) {
      this.destroy(new PortForwardFailedError(this.port, `the connection broke: ${this.#failure}`));
      return;
    }
    if (this.#relayPid === undefined) {
      this.#settleConnected(await this.#startFailure());
      this.destroy();
      return;
    }
    this.push(null);
  }

  /** Why a relay ended without connecting (a refused connection was already reported). */
  async #startFailure(): Promise<Error> {
    let exitCode: number | null = null;
    try {
      exitCode = (await this.#init.exec.inspect()).ExitCode;
    } catch (error) {
      this.#init.logger.debug({ err: error }, "could not inspect the port relay");
    }
    const output = this.#statusLog.trim();
    if (exitCode !== null && COMMAND_NOT_RUNNABLE.has(exitCode)) {
      return new PortForwardFailedError(this.port, `the host cannot run the relay (python3): ${output || exitCode}`);
    }
    return new PortForwardFailedError(this.port, `the relay exited with code ${exitCode ?? "unknown"}: ${output}`);
  }

  /** Ends a relay that is still running (its TCP peer kept the connection open after this side closed). */
  async #stopRelay(): Promise<void> {
    if (this.#relayExited) return;
    if (this.#relayPid === undefined) {
      // Only a broken engine connection gets here; forwardPort never closes a relay before it reported.
      this.#init.logger.warn({ containerId: this.#init.containerId, port: this.port }, "a port relay was left running");
      this.#settleRelayStopped();
      return;
    }
    const { docker, containerId, logger } = this.#init;
    try {
      const exec = await docker.getContainer(containerId).exec({
        Cmd: ["sh", "-c", 'kill -TERM "$1"', "circus-stop-relay", String(this.#relayPid)],
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = await exec.start({});
      // Drained only so the kill runs to completion, within a deadline (the learner may have broken `sh`).
      if (!(await drainWithin(stream, SANDBOX_HELPER_DEADLINE_MS))) {
        logger.warn({ containerId, port: this.port }, "stopping a port relay did not finish in time");
      }
    } catch (error) {
      // A container that is gone has no relay left either.
      logger.warn({ err: error, containerId, port: this.port }, "could not stop a port relay");
    } finally {
      this.#settleRelayStopped();
    }
  }
}
