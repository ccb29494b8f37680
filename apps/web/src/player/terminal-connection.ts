// The browser side of one terminal WebSocket (/ws/terminal): writes output into a sink and acks it once
// written, clears before a replay so nothing shows twice, and reconnects with capped exponential backoff.
import { ServerControlShape } from "../contract/contract-shapes";
import { hasShape } from "../contract/json-shape";
import type { ServerControl } from "../contract/terminal-protocol";

export type TerminalStatus = "connecting" | "connected" | "disconnected" | "exited";

/** Where output goes: xterm.js in the page, anything in tests. */
export interface TerminalSink {
  /** Writes output; `written` runs once the bytes are processed (xterm's write callback), which acks them. */
  write(bytes: Uint8Array, written: () => void): void;
  /** Clears the screen and scrollback: the server is about to replay from another offset. */
  reset(): void;
}

/** The part of the WebSocket API this client uses (the browser's, or `ws` in Node tests). */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: string | ArrayBufferView | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: never) => void) | null;
}

export interface BackoffOptions {
  /** Delay before the first reconnect. Default 250 ms. */
  initialMs?: number;
  /** The delay never grows past this. Default 5000 ms. */
  maxMs?: number;
}

export interface TerminalConnectionOptions {
  /** The socket URL without `since`, e.g. `ws://host/ws/terminal?run=r&host=node1&terminal=1`. */
  url: string;
  sink: TerminalSink;
  /** Told of every status change; `detail` says why when the terminal ended or was refused. */
  onStatusChange?: (status: TerminalStatus, detail?: string) => void;
  backoff?: BackoffOptions;
  /** WebSocket subprotocols to offer (an observer's ticket travels in them). Default none. */
  protocols?: readonly string[];
  /** Opens a socket; default `new WebSocket(url, protocols)`. */
  openSocket?: (url: string) => SocketLike;
}

const OPEN = 1;

/** The wait before reconnect attempt `attempt` (0-based): doubling from `initialMs`, capped at `maxMs`. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 250;
  const max = options.maxMs ?? 5000;
  return Math.min(max, initial * 2 ** Math.min(attempt, 30));
}

/** True for close codes that say retrying cannot help (the 4400-4499 "client error" range). */
function isRefusal(code: number): boolean {
  return code >= 4400 && code <= 4499;
}

export class TerminalConnection {
  readonly #options: TerminalConnectionOptions;
  readonly #encoder = new TextEncoder();
  #socket: SocketLike | undefined;
  #status: TerminalStatus = "connecting";
  /** End offset of the output written so far; undefined until the first hello. */
  #offset: number | undefined;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #size: { cols: number; rows: number } | undefined;
  #disposed = false;

  constructor(options: TerminalConnectionOptions) {
    this.#options = options;
    this.#connect();
  }

  get status(): TerminalStatus {
    return this.#status;
  }

  /** The output offset the next reconnect asks to resume from. */
  get offset(): number | undefined {
    return this.#offset;
  }

  /** Types into the terminal; dropped (false) unless connected, so nothing is typed blind. */
  send(input: string | Uint8Array): boolean {
    const socket = this.#socket;
    if (this.#status !== "connected" || !socket || socket.readyState !== OPEN) return false;
    socket.send(typeof input === "string" ? this.#encoder.encode(input) : input);
    return true;
  }

  /** Sets the PTY size now when connected, and again after every reconnect. */
  resize(cols: number, rows: number): void {
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) return;
    this.#size = { cols: Math.min(cols, 1000), rows: Math.min(rows, 1000) };
    if (this.#status === "connected") this.#sendControl({ type: "resize", ...this.#size });
  }

  /** Reconnects at once (e.g. a "Reconnect" button), resetting the backoff. */
  reconnectNow(): void {
    if (this.#disposed || this.#status === "connected" || this.#status === "connecting") return;
    clearTimeout(this.#reconnectTimer);
    this.#attempt = 0;
    this.#connect();
  }

  /** Closes the socket for good: no more reconnects, no more sink writes. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearTimeout(this.#reconnectTimer);
    this.#detach()?.close(1000, "closed by the page");
  }

  #connect(): void {
    this.#setStatus("connecting");
    const since =
      this.#offset === undefined ? "" : `${this.#options.url.includes("?") ? "&" : "?"}since=${this.#offset}`;
    const protocols = this.#options.protocols ? [...this.#options.protocols] : undefined;
    const open = this.#options.openSocket ?? ((url: string) => new WebSocket(url, protocols) as unknown as SocketLike);
    let socket: SocketLike;
    try {
      socket = open(this.#options.url + since);
    } catch (error) {
      this.#scheduleReconnect(error instanceof Error ? error.message : "the socket could not be opened");
      return;
    }
    socket.binaryType = "arraybuffer";
    this.#socket = socket;
    socket.onmessage = (event) => this.#receive(socket, event.data);
    // The server opens a new shell at the first size it gets: send it at once rather than after hello.
    socket.onopen = () => {
      if (this.#socket === socket && this.#size) this.#sendControl({ type: "resize", ...this.#size });
    };
    // A failed socket also closes; the close handler decides what happens next.
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#detach();
      if (this.#disposed || this.#status === "exited") return;
      if (isRefusal(event.code)) this.#setStatus("disconnected", event.reason || `refused (${event.code})`);
      else this.#scheduleReconnect(event.reason || undefined);
    };
  }

  #receive(socket: SocketLike, data: unknown): void {
    if (this.#socket !== socket || this.#disposed) return;
    if (typeof data === "string") {
      this.#control(data);
      return;
    }
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? toBytes(data) : null;
    if (!bytes || this.#offset === undefined) return;
    this.#offset += bytes.byteLength;
    this.#options.sink.write(bytes, () => {
      if (this.#socket === socket) this.#sendControl({ type: "ack", bytes: bytes.byteLength });
    });
  }

  #control(text: string): void {
    let message: ServerControl;
    try {
      const json: unknown = JSON.parse(text);
      if (!hasShape(ServerControlShape, json)) return; // A newer server's message this client does not know.
      message = json;
    } catch {
      return; // Not JSON: ignore it.
    }
    switch (message.type) {
      case "hello":
        // Replaying from where this screen stopped continues it; anything else starts it over.
        if (this.#offset !== message.offset) this.#options.sink.reset();
        this.#offset = message.offset;
        this.#attempt = 0;
        this.#setStatus("connected");
        if (this.#size) this.#sendControl({ type: "resize", ...this.#size });
        break;
      case "offset":
        this.#offset = message.value;
        break;
      case "exit":
        this.#setStatus("exited", message.code === null ? "the shell ended" : `the shell exited with ${message.code}`);
        this.#detach()?.close(1000, "exited");
        break;
      case "error":
        this.#options.onStatusChange?.(this.#status, message.message);
        break;
      case "pong":
        break;
    }
  }

  #scheduleReconnect(detail?: string): void {
    this.#setStatus("disconnected", detail);
    const delay = backoffDelay(this.#attempt++, this.#options.backoff);
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #sendControl(message: Record<string, unknown>): void {
    const socket = this.#socket;
    if (socket && socket.readyState === OPEN) socket.send(JSON.stringify(message));
  }

  /** Forgets the current socket (its late events are ignored) and returns it. */
  #detach(): SocketLike | undefined {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) socket.onmessage = null;
    return socket;
  }

  #setStatus(status: TerminalStatus, detail?: string): void {
    if (this.#status === status && detail === undefined) return;
    this.#status = status;
    this.#options.onStatusChange?.(status, detail);
  }
}

function toBytes(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
