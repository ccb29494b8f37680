// Fans a terminal's output out to its clients: scrollback replay on attach, then live data with
// nothing lost or duplicated, and flow control from client acknowledgements (VS Code's watermarks).
import type { Logger } from "pino";
import { Scrollback } from "./scrollback";

export type TerminalExitReason = "exited" | "disposed" | "abandoned" | "container_stopped" | "failed";

export interface TerminalExit {
  /** The shell's exit code, or null when it was killed or never reported one. */
  exitCode: number | null;
  reason: TerminalExitReason;
  /** One sentence for the operator or learner, e.g. "the host stopped (exit 137)". */
  message: string;
}

/** What a client of a terminal implements (the web layer forwards these to a WebSocket). */
export interface TerminalListener {
  /** Output bytes; `endOffset` is the absolute offset just past the chunk (pass it as `since` to reconnect). */
  onData(chunk: Uint8Array, endOffset: number): void;
  onExit(info: TerminalExit): void;
  /** The session dropped this client because it stopped acknowledging output; reconnect with `since`. */
  onDropped?(info: { reason: "stalled" }): void;
}

export interface FlowControlOptions {
  /** Unacknowledged bytes of one client above which the shell's output is paused. Default 100,000. */
  highWatermark: number;
  /** Unacknowledged bytes below which paused output resumes. Default 5,000. */
  lowWatermark: number;
  /** How long output may stay paused before clients that block it are dropped, if another client keeps up. Default 30 s. */
  stalledClientMs: number;
}

export const defaultFlowControl: FlowControlOptions = {
  highWatermark: 100_000,
  lowWatermark: 5_000,
  stalledClientMs: 30_000,
};

export interface OutputClient {
  readonly id: number;
  readonly readOnly: boolean;
  /** Marks `bytes` more bytes of delivered output as processed by the client. */
  ack(bytes: number): void;
  detach(): void;
}

export interface TerminalOutputStats {
  endOffset: number;
  scrollbackBytes: number;
  paused: boolean;
  clients: { id: number; readOnly: boolean; unackedBytes: number; skipping: boolean }[];
  /** Largest unacknowledged byte count among clients that may pause the output. */
  maxUnackedBytes: number;
}

interface ClientState {
  id: number;
  listener: TerminalListener;
  readOnly: boolean;
  sentOffset: number;
  ackedOffset: number;
  /** An observer that fell behind: it gets no live data until it catches up, then skips ahead. */
  skipping: boolean;
}

export class TerminalOutput {
  readonly #scrollback: Scrollback;
  readonly #flow: FlowControlOptions;
  readonly #clients = new Map<number, ClientState>();
  readonly #onPausedChange: (paused: boolean) => void;
  readonly #onClientCountChange: (count: number) => void;
  readonly #logger: Logger;
  #nextClientId = 1;
  #paused = false;
  #stallTimer: NodeJS.Timeout | undefined;
  #ended = false;

  constructor(options: {
    scrollbackBytes: number;
    flowControl: FlowControlOptions;
    onPausedChange: (paused: boolean) => void;
    onClientCountChange: (count: number) => void;
    logger: Logger;
  }) {
    if (options.flowControl.lowWatermark > options.flowControl.highWatermark) {
      throw new RangeError("the low watermark must not exceed the high watermark");
    }
    this.#scrollback = new Scrollback(options.scrollbackBytes);
    this.#flow = options.flowControl;
    this.#onPausedChange = options.onPausedChange;
    this.#onClientCountChange = options.onClientCountChange;
    this.#logger = options.logger;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Records output and delivers it to every client that is not skipping. */
  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const endOffset = this.#scrollback.append(chunk);
    for (const client of [...this.#clients.values()]) {
      if (client.skipping || !this.#clients.has(client.id)) continue;
      this.#deliver(client, chunk, endOffset);
      if (client.readOnly && unacked(client) > this.#flow.highWatermark) client.skipping = true;
    }
    this.#updatePause();
  }

  /**
   * Replays the scrollback from `since` (the whole of it when absent or older than what is held)
   * and registers the client for live data in the same synchronous step, so nothing falls between.
   */
  attach(listener: TerminalListener, options: { readOnly?: boolean; since?: number } = {}): OutputClient {
    if (this.#ended) throw new Error("the terminal output has ended");
    const replay = this.#scrollback.readFrom(options.since ?? 0);
    const endOffset = this.#scrollback.endOffset;
    const client: ClientState = {
      id: this.#nextClientId++,
      listener,
      readOnly: options.readOnly ?? false,
      sentOffset: endOffset - replay.length,
      ackedOffset: endOffset - replay.length,
      skipping: false,
    };
    this.#clients.set(client.id, client);
    if (replay.length > 0) this.#deliver(client, replay, endOffset);
    this.#updatePause();
    this.#onClientCountChange(this.#clients.size);
    return {
      id: client.id,
      readOnly: client.readOnly,
      ack: (bytes) => this.#ack(client, bytes),
      detach: () => this.#detach(client),
    };
  }

  /** What the scrollback holds now (from its oldest byte), e.g. to seed a recording started late. */
  held(): Uint8Array {
    return this.#scrollback.readFrom(0);
  }

  /** Tells every client the terminal ended and forgets them. */
  end(exit: TerminalExit): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#stallTimer);
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    for (const client of clients) {
      try {
        client.listener.onExit(exit);
      } catch (error) {
        this.#logger.error({ err: error, client: client.id }, "terminal client failed to handle exit");
      }
    }
  }

  stats(): TerminalOutputStats {
    const clients = [...this.#clients.values()].map((client) => ({
      id: client.id,
      readOnly: client.readOnly,
      unackedBytes: unacked(client),
      skipping: client.skipping,
    }));
    return {
      endOffset: this.#scrollback.endOffset,
      scrollbackBytes: this.#scrollback.size,
      paused: this.#paused,
      clients,
      maxUnackedBytes: Math.max(0, ...clients.filter((client) => !client.readOnly).map((c) => c.unackedBytes)),
    };
  }

  #deliver(client: ClientState, chunk: Uint8Array, endOffset: number): void {
    client.sentOffset = endOffset;
    try {
      client.listener.onData(chunk, endOffset);
    } catch (error) {
      this.#logger.error({ err: error, client: client.id }, "terminal client failed to handle output; detaching it");
      this.#detach(client);
    }
  }

  #ack(client: ClientState, bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new RangeError(`acknowledged bytes must be a non-negative integer, got ${bytes}`);
    }
    if (!this.#clients.has(client.id)) return;
    client.ackedOffset = Math.min(client.sentOffset, client.ackedOffset + bytes);
    if (client.skipping && unacked(client) < this.#flow.lowWatermark) this.#catchUp(client);
    this.#updatePause();
  }

  /** An observer that caught up gets what the scrollback still holds since it fell behind. */
  #catchUp(client: ClientState): void {
    client.skipping = false;
    const replay = this.#scrollback.readFrom(client.sentOffset);
    const endOffset = this.#scrollback.endOffset;
    const skippedBytes = endOffset - replay.length - client.sentOffset;
    client.ackedOffset += skippedBytes;
    if (replay.length > 0) this.#deliver(client, replay, endOffset);
    if (unacked(client) > this.#flow.highWatermark) client.skipping = true;
  }

  #detach(client: ClientState): void {
    if (!this.#clients.delete(client.id)) return;
    this.#updatePause();
    this.#onClientCountChange(this.#clients.size);
  }

  #updatePause(): void {
    const writers = [...this.#clients.values()].filter((client) => !client.readOnly);
    const mostUnacked = Math.max(0, ...writers.map(unacked));
    if (!this.#paused && mostUnacked > this.#flow.highWatermark) {
      this.#setPaused(true);
    } else if (this.#paused && mostUnacked < this.#flow.lowWatermark) {
      this.#setPaused(false);
    }
  }

  #setPaused(paused: boolean): void {
    this.#paused = paused;
    clearTimeout(this.#stallTimer);
    if (paused) this.#stallTimer = setTimeout(() => this.#dropStalledClients(), this.#flow.stalledClientMs).unref();
    this.#onPausedChange(paused);
  }

  /** Drops the clients that keep output paused, but only when another writing client keeps up. */
  #dropStalledClients(): void {
    if (!this.#paused) return;
    const writers = [...this.#clients.values()].filter((client) => !client.readOnly);
    const stalled = writers.filter((client) => unacked(client) >= this.#flow.lowWatermark);
    if (stalled.length === writers.length) {
      this.#stallTimer = setTimeout(() => this.#dropStalledClients(), this.#flow.stalledClientMs).unref();
      return;
    }
    for (const client of stalled) {
      this.#logger.warn({ client: client.id, unackedBytes: unacked(client) }, "dropping a stalled terminal client");
      this.#detach(client);
      try {
        client.listener.onDropped?.({ reason: "stalled" });
      } catch (error) {
        this.#logger.error({ err: error, client: client.id }, "terminal client failed to handle being dropped");
      }
    }
  }
}

function unacked(client: ClientState): number {
  return client.sentOffset - client.ackedOffset;
}
