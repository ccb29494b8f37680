// The server-to-client side of one terminal socket: output after a quiet spell (a keystroke's echo)
// goes out at once, output that keeps coming is coalesced into few binary frames; control messages
// stay in order with them, and everything is held while the socket's buffer is full.

/** Where frames go: a WebSocket in production, anything in unit tests. */
export interface FrameSink {
  /** Bytes queued in the socket but not yet handed to the kernel (ws's `bufferedAmount`). */
  bufferedAmount(): number;
  /** `done` runs once the frame was written out (or failed). */
  send(frame: Buffer | string, done: () => void): void;
}

export interface OutgoingFramesOptions {
  /** How long output chunks that follow a frame are coalesced before the next frame goes out. Default 1 ms. */
  coalesceMs?: number;
  /** Largest binary frame; a frame this full goes out at once. Default 64 KiB. */
  maxFrameBytes?: number;
  /** Above this many buffered socket bytes nothing more is sent until it drains. Default 256 KiB. */
  socketHighWaterBytes?: number;
}

/** How often a queue blocked by a full socket buffer looks again without a write completing. */
const BLOCKED_RETRY_MS = 50;

type Item = { kind: "bytes"; data: Buffer } | { kind: "text"; text: string };

export class OutgoingFrames {
  readonly #sink: FrameSink;
  readonly #coalesceMs: number;
  readonly #maxFrameBytes: number;
  readonly #highWater: number;
  readonly #items: Item[] = [];
  #pendingBytes = 0;
  #pendingTextBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  /** When the last frame went to the socket (Date.now()); output after a quiet spell is not delayed. */
  #lastFrameAt = Number.NEGATIVE_INFINITY;
  #idleWaiters: (() => void)[] = [];
  /** Frames are waiting for the socket's buffer to drain. */
  #blocked = false;
  #disposed = false;

  constructor(sink: FrameSink, options: OutgoingFramesOptions = {}) {
    this.#sink = sink;
    this.#coalesceMs = options.coalesceMs ?? 1;
    this.#maxFrameBytes = options.maxFrameBytes ?? 64 * 1024;
    this.#highWater = options.socketHighWaterBytes ?? 256 * 1024;
  }

  /** Output bytes held here, not yet given to the socket. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Control message characters held here, not yet given to the socket. */
  get pendingTextBytes(): number {
    return this.#pendingTextBytes;
  }

  /**
   * Queues output. It goes out at once after a quiet spell of `coalesceMs` (so an echo is not delayed)
   * or when a frame's worth is waiting; otherwise within `coalesceMs`, together with what follows.
   */
  pushBytes(chunk: Uint8Array): void {
    if (this.#disposed || chunk.length === 0) return;
    const last = this.#items.at(-1);
    const data = Buffer.from(chunk);
    if (last?.kind === "bytes") last.data = Buffer.concat([last.data, data]);
    else this.#items.push({ kind: "bytes", data });
    this.#pendingBytes += data.length;
    if (this.#pendingBytes >= this.#maxFrameBytes) {
      this.flush();
      return;
    }
    if (this.#timer) return;
    if (!this.#blocked && Date.now() - this.#lastFrameAt >= this.#coalesceMs) this.flush();
    else this.#timer = setTimeout(() => this.flush(), this.#coalesceMs);
  }

  /** Queues a control message after the output queued so far, and sends what it can now. */
  pushText(text: string): void {
    if (this.#disposed) return;
    this.#items.push({ kind: "text", text });
    this.#pendingTextBytes += text.length;
    this.flush();
  }

  /** Sends queued frames in order until the socket's buffer is above its high-water mark. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (!this.#disposed && this.#items.length > 0 && this.#sink.bufferedAmount() <= this.#highWater) {
      const item = this.#items[0] as Item;
      let frame: Buffer | string;
      if (item.kind === "text") {
        this.#items.shift();
        frame = item.text;
        this.#pendingTextBytes -= item.text.length;
      } else if (item.data.length > this.#maxFrameBytes) {
        frame = item.data.subarray(0, this.#maxFrameBytes);
        item.data = item.data.subarray(this.#maxFrameBytes);
        this.#pendingBytes -= frame.length;
      } else {
        this.#items.shift();
        frame = item.data;
        this.#pendingBytes -= frame.length;
      }
      this.#lastFrameAt = Date.now();
      // Each written frame is a chance that the buffer drained: a blocked queue tries again then.
      this.#sink.send(frame, () => {
        if (this.#blocked) this.flush();
      });
    }
    this.#blocked = !this.#disposed && this.#items.length > 0;
    // A safety net in case no write completes any more (the sink's buffer is measured, not announced).
    if (this.#blocked) this.#timer = setTimeout(() => this.flush(), BLOCKED_RETRY_MS);
    this.#notifyIfIdle();
  }

  /** Resolves once everything queued was given to the socket (at once when nothing is queued). */
  whenFlushed(): Promise<void> {
    if (this.#items.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Drops whatever is queued; nothing is sent afterwards. */
  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#timer);
    this.#items.length = 0;
    this.#pendingBytes = 0;
    this.#pendingTextBytes = 0;
    this.#notifyIfIdle();
  }

  #notifyIfIdle(): void {
    if (this.#items.length > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
