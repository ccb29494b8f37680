// One accepted terminal socket bridged to its session: hello, replay and batched live output out;
// keystrokes, resizes and acks in (zod-checked); exits, stalls and failures end it with a clear code.
import { ContainerDiedError, type TerminalClient, type TerminalExit, type TerminalSession } from "@circus/sandbox";
import type { Logger } from "pino";
import type { RawData, WebSocket } from "ws";
import {
  CLOSE_CODES,
  type ClientControl,
  parseClientControl,
  SERVER_STOPPING_REASON,
  type ServerControl,
} from "../../contract/terminal-protocol";
import { OutgoingFrames } from "./outgoing-frames";

export interface TerminalConnectionOptions {
  socket: WebSocket;
  terminalId: string;
  readOnly: boolean;
  since?: number;
  /** Whether the session exists already (then no first size is awaited). */
  sessionExists: boolean;
  /** Finds or opens the session; `size` is the first resize's, or 80x24. */
  openSession(size: { cols: number; rows: number }): Promise<TerminalSession>;
  /** Called on every keystroke frame (keeps the environment's idle timer honest); may throw. */
  onInput(): void;
  /** The close code after the shell ended; default 1000 (CLOSE_CODES.terminalEnded). */
  closeCodeOnExit?(exit: TerminalExit): { code: number; reason: string; error?: { code: string; message: string } };
  logger: Logger;
}

const DEFAULT_SIZE = { cols: 80, rows: 24 };
/** How long a socket that opens a new shell waits for the client's first resize. */
const FIRST_RESIZE_WAIT_MS = 250;
/** How long an ending socket waits for its queued output to go out before it closes anyway. */
const CLOSE_FLUSH_WAIT_MS = 5_000;
/** Frames a client may send before its terminal is attached. */
const MAX_EARLY_FRAMES = 64;
/**
 * Keystroke bytes one socket may have held by the server (before the terminal attached, behind a resize,
 * or written but not yet taken by the engine) before the server stops reading the socket. A shell that
 * does not read its input (`stty raw; sleep 999`) then pushes back on the client through TCP instead of
 * growing the server's memory.
 */
export const INPUT_HIGH_WATERMARK_BYTES = 256 * 1024;

/**
 * What the server may hold for a client beyond its output (the socket's buffered bytes plus queued control
 * messages) and still answer its pings. Output alone stays under the frames' 256 KiB high-water mark plus a
 * frame, so a client that reads never comes near it; one that only sends pings and reads nothing is closed
 * with CLOSE_CODES.notReading instead of making the server buffer its pongs without end.
 */
export const UNREAD_REPLIES_MAX_BYTES = 512 * 1024;

type IncomingFrame = { binary: true; data: Buffer } | { binary: false; message: ClientControl };

export class TerminalConnection {
  readonly #options: TerminalConnectionOptions;
  readonly #socket: WebSocket;
  readonly #frames: OutgoingFrames;
  readonly #logger: Logger;
  readonly #early: IncomingFrame[] = [];
  #client: TerminalClient | undefined;
  #sizeWaiter: ((size: { cols: number; rows: number } | undefined) => void) | undefined;
  #nextOffset: number | undefined;
  #toldReadOnly = false;
  /** A resize on its way to the engine; input waits for it. */
  #resizing: Promise<void> | undefined;
  /** `end` was called: the socket closes once queued output went out; input is ignored. */
  #ending = false;
  #closed = false;
  /** Input bytes held before the terminal attached. */
  #earlyBytes = 0;
  /** Input bytes held behind a resize on its way to the engine. */
  #queuedInputBytes = 0;
  /** The socket is not being read because too much input is held. */
  #inputPaused = false;
  #awaitingDrain = false;

  constructor(options: TerminalConnectionOptions) {
    this.#options = options;
    this.#socket = options.socket;
    this.#logger = options.logger;
    this.#frames = new OutgoingFrames({
      bufferedAmount: () => this.#socket.bufferedAmount,
      send: (frame, done) => this.#socket.send(frame, { binary: typeof frame !== "string" }, () => done()),
    });
    this.#socket.on("message", (data, isBinary) => this.#guard("message", () => this.#onFrame(data, isBinary)));
    // Protocol-level pings are answered here, under the same bound as the JSON ones (the gateway's
    // WebSocketServer has autoPong off).
    this.#socket.on("ping", (data) => this.#guard("ping", () => this.#reply(() => this.#socket.pong(data))));
    this.#socket.once("close", () => this.dispose());
    void this.#start();
  }

  /** Output bytes waiting for the socket to drain (bounded by the session's flow control). */
  get pendingBytes(): number {
    return this.#frames.pendingBytes;
  }

  /** Whether the server stopped reading this socket because its terminal does not take input fast enough. */
  get inputPaused(): boolean {
    return this.#inputPaused;
  }

  /** Sends an error message, then closes with `code` once queued output went out. */
  end(code: number, reason: string, error?: { code: string; message: string }): void {
    if (this.#closed || this.#ending) return;
    this.#ending = true;
    if (error) this.#sendControl({ type: "error", ...error });
    this.#detach();
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_FLUSH_WAIT_MS);
    });
    void Promise.race([this.#frames.whenFlushed(), gaveUp]).then(() => {
      clearTimeout(timer);
      if (!this.#closed) this.#socket.close(code, reason);
    });
  }

  /** Detaches from the session (which lives on for reconnects) and drops queued output. */
  dispose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#detach();
    this.#frames.dispose();
    this.#sizeWaiter?.(undefined);
    if (this.#socket.readyState === this.#socket.OPEN)
      this.#socket.close(CLOSE_CODES.serverStopping, SERVER_STOPPING_REASON);
  }

  async #start(): Promise<void> {
    try {
      const size = this.#options.sessionExists ? DEFAULT_SIZE : await this.#firstSize();
      if (!size || this.#closed || this.#ending) return;
      const session = await this.#options.openSession(size);
      if (this.#closed || this.#ending) return;
      this.#attach(session);
      this.#earlyBytes = 0;
      for (const frame of this.#early.splice(0)) this.#handle(frame);
      this.#updateInputFlow();
    } catch (error) {
      this.#logger.warn({ err: error }, "could not open the terminal");
      // A host that stopped (out of memory, past its disk quota) says why; anything else stays generic.
      this.end(
        CLOSE_CODES.internalError,
        "terminal unavailable",
        error instanceof ContainerDiedError
          ? { code: error.code, message: error.message }
          : {
              code: "terminal_unavailable",
              message: "The terminal could not be opened. Reload the page to try again.",
            },
      );
    }
  }

  /** The first resize's size, 80x24 when none comes in time, undefined when the socket closed first. */
  #firstSize(): Promise<{ cols: number; rows: number } | undefined> {
    const early = this.#early.find((frame) => !frame.binary && frame.message.type === "resize");
    if (early && !early.binary && early.message.type === "resize") return Promise.resolve(early.message);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(DEFAULT_SIZE), FIRST_RESIZE_WAIT_MS);
      const finish = (size: { cols: number; rows: number } | undefined) => {
        clearTimeout(timer);
        this.#sizeWaiter = undefined;
        resolve(size);
      };
      this.#sizeWaiter = finish;
    });
  }

  #attach(session: TerminalSession): void {
    let replay: { chunk: Uint8Array; endOffset: number } | undefined;
    let attaching = true;
    const client = session.attach(
      {
        onData: (chunk, endOffset) => {
          if (attaching) replay = { chunk: Buffer.from(chunk), endOffset };
          else this.#sendOutput(chunk, endOffset);
        },
        onExit: (exit) => this.#guard("exit", () => this.#onExit(exit)),
        onDropped: () =>
          this.#guard("dropped", () =>
            this.end(CLOSE_CODES.stalled, "stalled", {
              code: "stalled",
              message: "This terminal stopped acknowledging output; reconnect to catch up.",
            }),
          ),
      },
      {
        readOnly: this.#options.readOnly,
        ...(this.#options.since !== undefined ? { since: this.#options.since } : {}),
      },
    );
    attaching = false;
    this.#client = client;
    const offset = replay ? replay.endOffset - replay.chunk.length : session.stats().endOffset;
    this.#sendControl({ type: "hello", terminal: this.#options.terminalId, offset, readOnly: client.readOnly });
    this.#nextOffset = offset;
    if (replay) this.#sendOutput(replay.chunk, replay.endOffset);
  }

  #sendOutput(chunk: Uint8Array, endOffset: number): void {
    const start = endOffset - chunk.length;
    // An observer that fell behind skips output: tell the client where the stream resumes.
    if (this.#nextOffset !== undefined && start !== this.#nextOffset)
      this.#sendControl({ type: "offset", value: start });
    this.#nextOffset = endOffset;
    this.#frames.pushBytes(chunk);
  }

  #onExit(exit: TerminalExit): void {
    this.#client = undefined;
    this.#sendControl({ type: "exit", code: exit.exitCode, reason: exit.reason, message: exit.message });
    const close = this.#options.closeCodeOnExit?.(exit) ?? {
      code: CLOSE_CODES.terminalEnded,
      reason: "terminal ended",
    };
    this.end(close.code, close.reason, "error" in close ? close.error : undefined);
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    if (this.#closed || this.#ending) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    let frame: IncomingFrame;
    if (isBinary) {
      frame = { binary: true, data: bytes };
    } else {
      const parsed = parseClientControl(bytes.toString("utf8"));
      if (!parsed.ok) {
        this.end(CLOSE_CODES.malformed, parsed.reason);
        return;
      }
      frame = { binary: false, message: parsed.message };
    }
    if (this.#client) {
      this.#handle(frame);
      return;
    }
    if (this.#early.length >= MAX_EARLY_FRAMES) {
      this.end(CLOSE_CODES.malformed, "too many frames before the terminal opened");
      return;
    }
    this.#early.push(frame);
    if (frame.binary) {
      this.#earlyBytes += frame.data.length;
      this.#updateInputFlow();
    }
    if (!frame.binary && frame.message.type === "resize") this.#sizeWaiter?.(frame.message);
  }

  #handle(frame: IncomingFrame): void {
    const client = this.#client;
    if (!client) return;
    if (frame.binary) {
      if (client.readOnly) {
        if (!this.#toldReadOnly) {
          this.#toldReadOnly = true;
          this.#sendControl({ type: "error", code: "read_only", message: "You are observing this terminal." });
        }
        return;
      }
      this.#options.onInput();
      // Keystrokes typed after a resize reach the shell after it (a `stty size` right after sees the new size).
      const pendingResize = this.#resizing;
      if (pendingResize) {
        const data = frame.data;
        this.#queuedInputBytes += data.length;
        void pendingResize.then(() => {
          this.#queuedInputBytes -= data.length;
          if (this.#client === client) client.write(data);
          this.#updateInputFlow();
        });
      } else client.write(frame.data);
      this.#updateInputFlow();
      return;
    }
    const message = frame.message;
    if (message.type === "ack") client.ack(message.bytes);
    else if (message.type === "ping") this.#reply(() => this.#sendControl({ type: "pong" }));
    else if (!client.readOnly) {
      const resizing = client.resize(message.cols, message.rows).catch((error: unknown) => {
        this.#logger.debug({ err: error }, "could not resize the terminal");
      });
      this.#resizing = resizing;
      // Registered first, so it runs before the keystrokes queued behind this resize.
      void resizing.then(() => {
        if (this.#resizing === resizing) this.#resizing = undefined;
      });
    }
  }

  /** Stops reading the socket while more than INPUT_HIGH_WATERMARK_BYTES of its input are held; resumes after. */
  #updateInputFlow(): void {
    if (this.#closed) return;
    const client = this.#client;
    const held = this.#earlyBytes + this.#queuedInputBytes + (client?.pendingInputBytes ?? 0);
    if (held <= INPUT_HIGH_WATERMARK_BYTES) {
      if (this.#inputPaused) {
        this.#inputPaused = false;
        this.#socket.resume();
      }
      return;
    }
    if (!this.#inputPaused) {
      this.#inputPaused = true;
      this.#socket.pause();
      this.#logger.debug({ held }, "terminal input paused: the shell is not reading it");
    }
    // Early and resize-queued bytes call back here when they move on; engine-held bytes on drain.
    const drained = client?.whenInputDrained();
    if (!drained || this.#awaitingDrain) return;
    this.#awaitingDrain = true;
    void drained.then(() => {
      this.#awaitingDrain = false;
      this.#updateInputFlow();
    });
  }

  /** Sends a reply to the client, unless it left more than UNREAD_REPLIES_MAX_BYTES unread: then closes it. */
  #reply(send: () => void): void {
    if (this.#closed || this.#ending || this.#socket.readyState !== this.#socket.OPEN) return;
    const unread = this.#socket.bufferedAmount + this.#frames.pendingTextBytes;
    if (unread <= UNREAD_REPLIES_MAX_BYTES) {
      send();
      return;
    }
    this.#logger.info({ unread }, "terminal socket closed: the client does not read its replies");
    // Nothing more is queued for it; the close frame waits behind what it has not read (ws ends the
    // connection if the closing handshake does not complete).
    this.#ending = true;
    this.#detach();
    this.#frames.dispose();
    this.#socket.close(CLOSE_CODES.notReading, "not reading: too many unread replies");
  }

  #sendControl(message: ServerControl): void {
    this.#frames.pushText(JSON.stringify(message));
  }

  #detach(): void {
    const client = this.#client;
    this.#client = undefined;
    client?.dispose();
  }

  /** Runs a handler; a failure is logged and ends this socket, never the process. */
  #guard(what: string, handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.#logger.error({ err: error, what }, "terminal socket handler failed");
      this.end(CLOSE_CODES.internalError, "internal error", {
        code: "internal",
        message: "The terminal connection failed. Reload the page to reconnect.",
      });
    }
  }
}
