// Records one terminal in asciicast v2 at no noticeable cost to its keystrokes: the hooks only push
// a reference and a timestamp onto an in-memory list; a timer (or a full batch) turns the list into
// asciicast lines, gzips them off the event loop and hands each batch to a sink, one at a time.
import { performance } from "node:perf_hooks";
import { StringDecoder } from "node:string_decoder";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { type Logger, pino } from "pino";
import { type AsciicastEventCode, asciicastEventLine, asciicastHeaderLine } from "./asciicast";

const gzipAsync = promisify(gzip);

/** One flushed batch: a gzip member; the members of a recording, concatenated in `seq` order, are its `.cast`. */
export interface RecordingBatch {
  seq: number;
  gzip: Buffer;
  /** Asciicast bytes before compression. */
  castBytes: number;
}

/** Where batches go (a database, a file). `write` answers "stop" when the recording must end (a cap). */
export interface RecordingSink {
  write(batch: RecordingBatch): Promise<"continue" | "stop">;
  /** Called once, after the last batch; `truncated` when a "stop" (or a failed write) ended it early. */
  close(summary: { truncated: boolean }): Promise<void>;
}

/** What a terminal session calls; every hook returns at once. */
export interface TerminalRecorder {
  output(chunk: Uint8Array): void;
  input(data: string | Uint8Array): void;
  resize(cols: number, rows: number): void;
  /** Flushes what is left and closes the sink; later events are ignored. */
  close(): Promise<void>;
}

const DEFAULT_FLUSH_INTERVAL_MS = 10_000;

export interface TerminalRecordingOptions {
  cols: number;
  rows: number;
  sink: RecordingSink;
  title?: string;
  /**
   * How often pending events are flushed. Default 10 s: each flush is a gzip and a database insert per
   * terminal, the largest share of the server's database work under load (a 2 s default made 50 inserts a
   * second at 100 typing learners); a crash loses at most this much of a recording.
   */
  flushIntervalMs?: number;
  /** Pending bytes that trigger a flush before the timer. Default 256 KiB. */
  maxPendingBytes?: number;
  /** Pending bytes beyond which new events are dropped while a slow sink catches up. Default 4 MiB. */
  maxBufferedBytes?: number;
  logger?: Logger;
}

interface PendingEvent {
  time: number;
  code: AsciicastEventCode;
  data: Uint8Array | string;
}

export class TerminalRecording implements TerminalRecorder {
  readonly #options: Required<Omit<TerminalRecordingOptions, "title" | "logger">>;
  readonly #logger: Logger;
  readonly #started = performance.now();
  readonly #outputDecoder = new StringDecoder("utf8");
  readonly #inputDecoder = new StringDecoder("utf8");
  #header: string | undefined;
  #pending: PendingEvent[] = [];
  #pendingBytes = 0;
  #seq = 0;
  #state: "recording" | "stopped" | "closed" = "recording";
  #truncated = false;
  #writing: Promise<void> = Promise.resolve();
  #flushScheduled = false;
  readonly #timer: NodeJS.Timeout;
  #stats = { castBytes: 0, storedBytes: 0, batches: 0, droppedEvents: 0 };

  constructor(options: TerminalRecordingOptions) {
    this.#options = {
      cols: options.cols,
      rows: options.rows,
      sink: options.sink,
      flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      maxPendingBytes: options.maxPendingBytes ?? 256 * 1024,
      maxBufferedBytes: options.maxBufferedBytes ?? 4 * 1024 * 1024,
    };
    this.#logger = options.logger ?? pino({ level: "silent" });
    this.#header = asciicastHeaderLine({
      version: 2,
      width: options.cols,
      height: options.rows,
      timestamp: Math.floor(Date.now() / 1000),
      ...(options.title ? { title: options.title } : {}),
      env: { TERM: "xterm-256color" },
    });
    this.#timer = setInterval(() => this.#scheduleFlush(), this.#options.flushIntervalMs).unref();
  }

  output(chunk: Uint8Array): void {
    this.#push("o", chunk, chunk.byteLength);
  }

  input(data: string | Uint8Array): void {
    // A Uint8Array may be a view the caller reuses; strings are immutable.
    this.#push("i", typeof data === "string" ? data : Uint8Array.prototype.slice.call(data), data.length);
  }

  resize(cols: number, rows: number): void {
    this.#push("r", `${cols}x${rows}`, 8);
  }

  /** A named point in time (a step shown, a check passed), listed by players as a chapter. */
  marker(label: string): void {
    this.#push("m", label, label.length);
  }

  stats(): { castBytes: number; storedBytes: number; batches: number; droppedEvents: number; truncated: boolean } {
    return { ...this.#stats, truncated: this.#truncated };
  }

  async close(): Promise<void> {
    if (this.#state === "closed") return this.#writing;
    const wasRecording = this.#state === "recording";
    this.#state = "closed";
    clearInterval(this.#timer);
    if (wasRecording) this.#flush();
    const truncated = this.#truncated;
    this.#writing = this.#writing.then(async () => {
      try {
        await this.#options.sink.close({ truncated });
      } catch (error) {
        this.#logger.warn({ err: error }, "could not close a terminal recording");
      }
    });
    return this.#writing;
  }

  #push(code: AsciicastEventCode, data: Uint8Array | string, bytes: number): void {
    if (this.#state !== "recording") return;
    if (this.#pendingBytes + bytes > this.#options.maxBufferedBytes) {
      this.#stats.droppedEvents += 1;
      return;
    }
    this.#pending.push({ time: performance.now(), code, data });
    this.#pendingBytes += bytes;
    if (this.#pendingBytes >= this.#options.maxPendingBytes) this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#state !== "recording") return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      if (this.#state === "recording") this.#flush();
    });
  }

  /** Serializes the pending events now (cheap) and queues their compression and write behind the previous one. */
  #flush(): void {
    const events = this.#pending;
    if (events.length === 0 && this.#header === undefined) return;
    this.#pending = [];
    this.#pendingBytes = 0;
    let text = this.#header ?? "";
    this.#header = undefined;
    for (const event of events) {
      const data =
        typeof event.data === "string"
          ? event.data
          : (event.code === "i" ? this.#inputDecoder : this.#outputDecoder).write(Buffer.from(event.data));
      if (data === "" && event.code !== "m") continue;
      text += asciicastEventLine((event.time - this.#started) / 1000, event.code, data);
    }
    if (text === "") return;
    const seq = this.#seq++;
    this.#writing = this.#writing.then(() => this.#write(seq, text));
  }

  async #write(seq: number, text: string): Promise<void> {
    if (this.#truncated) return;
    try {
      const castBytes = Buffer.byteLength(text);
      const compressed = await gzipAsync(text);
      const verdict = await this.#options.sink.write({ seq, gzip: compressed, castBytes });
      if (verdict === "stop") {
        this.#stop();
        return;
      }
      this.#stats.batches += 1;
      this.#stats.castBytes += castBytes;
      this.#stats.storedBytes += compressed.byteLength;
    } catch (error) {
      this.#logger.warn({ err: error }, "a terminal recording batch could not be stored; recording stops");
      this.#stop();
    }
  }

  #stop(): void {
    this.#truncated = true;
    if (this.#state === "recording") this.#state = "stopped";
    this.#pending = [];
    this.#pendingBytes = 0;
    clearInterval(this.#timer);
  }
}
